"""Days resolved against the publication date, with their precision; no model needed."""

from datetime import date, timedelta

import pytest

from transforms.rules.dates import dateline_date, find_dates

SUNDAY = date(2022, 7, 3)      # the sample article's publication day
WEDNESDAY = date(2022, 7, 6)
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def days(text, published):
    return [(m.day, m.precision) for m in find_dates(text, published)]


@pytest.mark.parametrize("published", [SUNDAY, WEDNESDAY])
@pytest.mark.parametrize("weekday", WEEKDAYS)
def test_weekday_is_the_latest_such_day_on_or_before_publication(weekday, published):
    (day, precision), = days(f"The city was shelled on {weekday}.", published)
    assert day.strftime("%A") == weekday
    assert 0 <= (published - day).days < 7
    assert precision == 1


def test_sunday_in_a_sunday_article_is_that_day_not_a_week_earlier():
    assert days("hit with three missile strikes Sunday morning", SUNDAY) == [(SUNDAY, 1)]
    assert days("Russian forces attacked on Thursday", WEDNESDAY) == [(date(2022, 6, 30), 1)]


@pytest.mark.parametrize("phrase", ["yesterday", "last night"])
def test_yesterday_and_last_night_are_the_day_before(phrase):
    assert days(f"Missiles struck Kharkiv {phrase}.", WEDNESDAY) == [(WEDNESDAY - timedelta(days=1), 1)]


def test_overnight_is_the_night_before_publication_give_or_take_a_day():
    assert days("Drones attacked Odesa overnight.", WEDNESDAY) == [(date(2022, 7, 5), 2)]


def test_day_and_month_is_the_latest_on_or_before_publication():
    assert days("Russia shelled Kramatorsk on 8 April.", SUNDAY) == [(date(2022, 4, 8), 1)]
    assert days("It happened on 8 December.", SUNDAY) == [(date(2021, 12, 8), 1)]


def test_two_days_earlier_counts_from_the_weekday_before_it():
    text = ("Separately, Belarusian President Alexander Lukashenko on Saturday accused Ukraine of launching "
            "a missile attack against military facilities on his country two days earlier.")
    assert days(text, SUNDAY) == [(date(2022, 7, 2), 1), (date(2022, 6, 30), 1)]


def test_month_has_month_precision_and_may_the_verb_is_no_month():
    assert days("Melitopol fell to Russian control in early March.", SUNDAY) == [(date(2022, 3, 1), 3)]
    assert days("The strikes may continue.", SUNDAY) == []


def test_last_week_has_week_precision():
    assert days("Kyiv was hit last week.", SUNDAY) == [(date(2022, 6, 26), 2)]


def test_without_a_publication_date_relative_days_are_unknown_and_explicit_ones_kept():
    assert days("Missiles struck Kharkiv yesterday.", None) == [(None, 1)]
    assert days("It began on February 24, 2022.", None) == [(date(2022, 2, 24), 1)]


def test_dateline_date_stands_in_for_a_missing_publication_date():
    assert dateline_date("ISAF Joint Command Morning Operational Update May 31, 2011  KABUL") == date(2011, 5, 31)
    assert dateline_date("Dec. 24: Militants Detained ISAF 2009-12-CA-080 KABUL, Afghanistan (Dec. 24) - A force") \
        == date(2009, 12, 24)
    assert dateline_date("In Zharay district, Kandahar province, forces detained a leader today.") is None


def test_day_just_after_publication_is_not_last_year():
    """An update appended to a Sept. 24 release is dated "(Sept. 25)": not 2009's Sept. 25."""
    text = ("KABUL, Afghanistan (Sept. 25) - The International Security Assistance Force confirmed the capture of a "
            "Taliban sub-commander operating in Mata Khan district during an overnight operation in Paktiya province "
            "Thursday.")
    found = find_dates(text, date(2010, 9, 24))
    assert [(m.text, m.day) for m in found] == [("overnight", date(2010, 9, 23)), ("Thursday", date(2010, 9, 23))]
