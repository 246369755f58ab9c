"""One test per extraction rule of transforms/rules/casualties.py, on real sentences quoted verbatim.

Sources: the sample article (shared/samples/lysychansk_20220703.txt), the Guardian/NYT corpus
(shared/corpus), and the WAD and ISAF dev sets (shared/dev). The real spaCy model parses them.
"""

from __future__ import annotations

from datetime import date

import pytest

from conftest import SAMPLE_ARTICLE
from transforms.rules.casualties import charged_names, extract_figures, with_additions
from transforms.rules.sentence import read_facts

PUBLISHED = date(2022, 7, 3)


@pytest.fixture(scope="module")
def figures(language):
    def read(sentence: str, published: date = PUBLISHED) -> list[tuple]:
        found = extract_figures(language(sentence)[:], published)
        return [(f.category, f.low, f.high, f.hedge) for f in found]
    return read


# --- the sample article -------------------------------------------------------------------------

def test_sample_two_figures_with_place_date_and_source(language):
    sentence = ("At least six people have died and 15 were injured in Sloviansk on Sunday, according to Tetiana "
                "Tiurina, the head of the Public Information and Communication Department of Donetsk region.")
    found = extract_figures(language(sentence)[:], PUBLISHED)
    assert [(f.category, f.low, f.high, f.hedge, f.victims, f.scope, f.location_name, f.event_date, f.attributed_to)
            for f in found] == [
        ("killed", 6, None, "at least", "people", "event", "Sloviansk", PUBLISHED, "Tetiana Tiurina"),
        ("injured", 15, 15, None, "people", "event", "Sloviansk", PUBLISHED, "Tetiana Tiurina"),
    ]


def test_sample_no_casualties(language):
    sentence = ("The city of Kramatorsk was also hit with three missile strikes Sunday morning but there were no "
                "casualties, according to Ukraine's Donetsk Regional Military Administration.")
    found = extract_figures(language(sentence)[:], PUBLISHED)
    assert [(f.category, f.low, f.high, f.hedge, f.location_name, f.attributed_to) for f in found] == [
        ("casualties", 0, 0, "none reported", "Kramatorsk", "Donetsk Regional Military Administration"),
    ]


@pytest.mark.parametrize("sentence", [
    # counts of strikes, drones, distances, towns, shots, missiles, buildings, years
    "Konashenkov also claimed Russian air defense systems destroyed two Ukrainian military drones as they "
    "approached the city of Kursk, about 130 km 80 miles north of Belgorod.",
    "Ukrainian President Volodymyr Zelensky said the cities of the Luhansk region were \"the epicenter\" of the "
    "hostilities. In his nightly address on Saturday, Zelensky acknowledged that more than 2,600 Ukrainian cities "
    "and towns were under Russian control.",
    "According to Fedorov, Ukrainian troops filed \"more than 30 shots exclusively at the military base,\" "
    "rendering it \"unable to function.\"",
    "He said three ballistic missiles launched at Belgorod were destroyed by Russian air defense systems in the "
    "air, adding that the wreckage of one of the missiles fell on a residential building in the city.",
    "Russian troops launched the invasion on February 24 into Ukraine from Belarus after months amassing manpower "
    "and material along Ukraine's border.",
])
def test_sample_non_figures(figures, sentence):
    assert figures(sentence) == []


def test_sample_article_gives_exactly_its_gold_count(language):
    lines = [line for line in SAMPLE_ARTICLE.read_text(encoding="utf-8").splitlines()[3:] if line]
    found = [f for doc in language.pipe(lines) for f in extract_figures(doc[:], PUBLISHED)]
    assert sorted((f.category, f.low) for f in found) == [
        ("casualties", 0), ("casualties", 0), ("injured", 15), ("killed", 3), ("killed", 6)]


# --- what each rule reads: a sentence and its figures ------------------------------------------

FIGURES = [
    # numbers
    pytest.param("Forty-nine people were killed and twelve people were wounded in a prison riot at the Topo Chico "
                 "prison in Monterrey in the northeastern Mexican state of Nuevo Leon",
                 date(2016, 2, 11), [("killed", 49, 49, None), ("injured", 12, 12, None)],
                 id="hyphenated_number_split_by_tokenizer"),
    pytest.param("23 Jul 2022 18.05 Three people were killed and 19 others were injured when 13 Russian missiles hit "
                 "a military airfield and railway infrastructure in Ukraine’s central region of Kirovohrad, the "
                 "regional governor said.",
                 date(2022, 7, 23), [("killed", 3, 3, None), ("injured", 19, 19, None)],
                 id="timestamp_digits_are_not_a_count"),
    pytest.param("Nigerian police claimed on Friday that over 104 bandits had been killed in a crackdown targeting "
                 "crime in the northwest state of Zamfara, Birnin Mogaji, Zurmi Local Government Area, following a "
                 "surge in kidnappings for ransom and cattle rustling.",
                 date(2019, 8, 2), [("killed", 104, None, "at least")],
                 id="hedge_word_parsed_as_preposition"),
    pytest.param("The security force detained several suspected insurgents as a result of the operation.",
                 date(2010, 9, 1), [("captured", 3, None, "vague")],
                 id="vague_quantity_as_adjective"),
    pytest.param("After questioning, the force apprehended several suspected Islamic Movement of Uzbekistan "
                 "insurgents.",
                 date(2011, 3, 24), [("captured", 3, None, "vague")],
                 id="count_on_a_name_used_as_a_modifier_counts_its_noun"),
    # how a quantity reaches its trigger
    pytest.param("Fifteen people were shot dead in an overnight attack in north Cameroon, blamed on Boko Haram "
                 "Islamists, a security source said Friday.",
                 date(2017, 6, 9), [("killed", 15, 15, None)],
                 id="resultative_complement_shot_dead"),
    pytest.param("A journalist was shot and killed at point-blank range at the headquarters of the Union of "
                 "Democratic Forces of Guinea (UFDG) in the capital Conakry.",
                 date(2016, 2, 5), [("killed", 1, 1, None)],
                 id="shared_subject_of_coordinated_verbs"),
    pytest.param("About 97 Nigerians are feared killed as Cameroon Gendermes allegedly attacked residents of "
                 "Bakassi over failure to pay a N100,000 boat levy.",
                 date(2017, 7, 17), [("killed", 97, 97, "approximately")],
                 id="raising_verb_feared_killed"),
    pytest.param("An airstrike by unidentified fighter jets has claimed the lives of at least ten people, including "
                 "unarmed civilians near Bulo-Burde in central Somalia, an senior official said on Sunday.",
                 date(2016, 3, 13), [("killed", 10, None, "at least")],
                 id="claimed_the_lives_of"),
    pytest.param("The death toll from a weekend Russian missile attack on a residential apartment block in Chasiv "
                 "Yar, eastern Ukraine, rose to at least 45 on Tuesday.",
                 date(2022, 7, 12), [("killed", 45, None, "at least")],
                 id="death_toll_rose_to"),
    pytest.param("One other suspected insurgent was taken into custody for further questioning.",
                 date(2011, 4, 18), [("captured", 1, 1, None)],
                 id="taken_into_custody"),
    # implicit counts and sums
    pytest.param("Armed men shot dead the village chief of Chahar Shanghoy of Mangajek District in [northern] "
                 "Jowzjan Province",
                 date(2016, 1, 6), [("killed", 1, 1, None)],
                 id="implicit_single_victim"),
    pytest.param("Seventy-one people, including three children, were hospitalized after three missiles hit the "
                 "center of Vinnytsia, a typically sleepy provincial capital, leaving behind a harrowing scene of "
                 "smoking ruins.",
                 date(2022, 7, 15), [("injured", 71, 71, None), ("injured", 3, 3, None)],
                 id="subset_is_a_figure_beside_the_total"),
    # Paraphrases of the construction: the object after "dead" / "to death", which the parser reads as modified by it.
    pytest.param("Gunmen have stabbed to death Ebiere Tonye, a former acting chairman of the party in the state.",
                 PUBLISHED, [("killed", 1, 1, None)],
                 id="stabbed_to_death_then_the_named_victim"),
    pytest.param("Gunmen shot dead Ebiere Tonye, a former chairman of the party.",
                 PUBLISHED, [("killed", 1, 1, None)],
                 id="shot_dead_then_the_named_victim"),
    pytest.param("The farmer was shot down in his field by two gunmen.",
                 PUBLISHED, [("killed", 1, 1, None)],
                 id="a_person_shot_down_is_killed"),
    pytest.param("Air defences shot down two jets and a helicopter.",
                 PUBLISHED, [],
                 id="aircraft_shot_down_are_no_victims"),
    pytest.param("Police launched a hunt for the suspected killers of five women in the village.",
                 PUBLISHED, [("killed", 5, 5, None)],
                 id="agent_noun_counts_its_of_object"),
    pytest.param("Police arrested five killers on Monday.",
                 PUBLISHED, [("captured", 5, 5, None)],
                 id="a_count_of_agents_is_no_count_of_their_victims"),
    pytest.param("No killers were found.",
                 PUBLISHED, [],
                 id="no_agents_is_not_none_harmed"),
    pytest.param("Eight people were killed by the mine. Seven more people were injuered.",
                 PUBLISHED, [("killed", 8, 8, None), ("injured", 7, 7, None)],
                 id="a_misspelt_trigger_still_says_what_happened"),
    pytest.param("The school was founded by nine teachers.",
                 PUBLISHED, [],
                 id="a_real_word_one_letter_from_a_trigger_is_no_misspelling"),
    pytest.param("A combined force arrested a senior Islamic Movement of Uzbekistan (IMU) leader in Kunduz province "
                 "today.",
                 PUBLISHED, [("captured", 1, 1, None)],
                 id="an_article_on_a_name_whose_of_object_is_a_person"),
    # what is not a figure
    pytest.param("Two unidentified assailants on a motorbike killed Yoro Ould Daha near Tamkoukat.",
                 date(2020, 1, 10), [("killed", 1, 1, None)],
                 id="active_subject_is_the_agent_not_the_victim"),
    # rules added after the second error analysis
    # WAD: "Two female suicide bombers" left the 58 dead; they are not among them.
    pytest.param("Two female suicide bombers Tuesday detonated bombs at the Internally Displaced Persons (IDP) "
                 "camp in Dikwa, Borno State, leaving 58 people dead and over 78 others injured.",
                 PUBLISHED, [("killed", 58, 58, None), ("injured", 78, None, "at least")],
                 id="subject_of_leaving_dead_is_the_agent"),
    pytest.param("10 persons sustained various degrees of injuries from the attack.",
                 PUBLISHED, [("injured", 10, 10, None)],
                 id="sustained_injuries_keeps_its_subject"),
    pytest.param("Fernando Herrera Silva, a member of the ruling Institutional Revolutionary Party (PRI), "
                 "was gunned down in Acolihuia, in the central state of Puebla.",
                 PUBLISHED, [("killed", 1, 1, None)],
                 id="named_person_is_one_victim_even_when_a_town_shares_the_name"),
    pytest.param("South African Broadcasting Corporation's head of legal services, Sizwe Vilakazi, was killed "
                 "in a shooting incident on Saturday in Tsakane on the East Rand.",
                 PUBLISHED, [("killed", 1, 1, None)],
                 id="title_with_a_named_person_in_apposition"),
    pytest.param("An ANSF-ISAF patrol arrested a suspected IED maker after discovering an IED cache in a "
                 "compound in Nad Ali district, Helmand Province yesterday.",
                 PUBLISHED, [("captured", 1, 1, None)],
                 id="whom_one_arrests_is_a_person"),
    pytest.param("Today, in Shah Wali Kot district, Kandahar province, an Afghan and coalition security force "
                 "arrested a Taliban weapons dealer and detained several suspected insurgents.",
                 PUBLISHED, [("captured", 1, 1, None), ("captured", 4, None, "vague"), ("captured", 3, None, "vague")],
                 id="coordinated_captures_with_one_subject_are_one_count"),
    pytest.param("Both men were detained for further questioning.",
                 PUBLISHED, [("captured", 2, 2, None)],
                 id="both_counts_two"),
    pytest.param("The security force also detained one suspected insurgent and seized multiple AK-47s and "
                 "grenades as a result of this operation.",
                 PUBLISHED, [("captured", 1, 1, None)],
                 id="seized_weapons_are_no_captives"),
    pytest.param("Thousands of residents were forced to flee their homes.",
                 PUBLISHED, [("displaced", 2000, None, "vague")],
                 id="forced_to_flee_is_what_happened"),
    pytest.param("The operation resulted in the detention of several suspected insurgents.",
                 PUBLISHED, [("captured", 3, None, "vague")],
                 id="noun_trigger_with_of_victims"),
    # issue 8, classes 8-11: single victims, subgroups, scope, violence that is no war
    pytest.param("The strike killed at least 23 people, including three children.",
                 PUBLISHED, [("killed", 23, None, "at least"), ("killed", 3, 3, None)],
                 id="a_subgroup_is_a_figure_of_its_own"),
    pytest.param("A 25-year-old man was shot dead in Kharkiv on Sunday.",
                 PUBLISHED, [("killed", 1, 1, None)],
                 id="an_age_is_no_count"),
    pytest.param("The Islamic State group claimed responsibility for the hacking to death of a university professor in "
                 "the city of Rajshahi in Bangladesh on Saturday, accusing him of calling for atheism.",
                 date(2016, 4, 24), [("killed", 1, 1, None)],
                 id="resultative_on_a_noun_takes_its_victim_from_of"),
]


@pytest.mark.parametrize("sentence, published, want", FIGURES)
def test_the_rule_gives_the_figures_its_sentence_holds(figures, sentence, published, want):
    assert figures(sentence, published) == want


# Common wordings written here rather than quoted: probes of constructions no dev sentence happened to use.
@pytest.mark.parametrize("sentence, want", [
    pytest.param("Between 10 and 15 soldiers died.", [("killed", 10, 15, "range")],
                 id="a_count_the_ner_reads_as_a_date"),
    pytest.param("The attack killed between 10 and 15 people.", [("killed", 10, 15, "range")],
                 id="between_parsed_as_a_preposition"),
    pytest.param("Twelve people perished in the attack.", [("killed", 12, 12, None)], id="perished"),
    pytest.param("Two people were burned alive.", [("killed", 2, 2, None)], id="burned_alive"),
    pytest.param("The clashes left dozens of people injured.", [("injured", 24, None, "vague")],
                 id="left_a_vague_count_harmed"),
    pytest.param("Two people received treatment for their injuries.", [("injured", 2, 2, None)],
                 id="treatment_for_injuries"),
    pytest.param("Two were admitted with gunshot wounds.", [("injured", 2, 2, None)], id="admitted_with_wounds"),
    pytest.param("Three fishermen are still unaccounted for.", [("missing", 3, 3, None)], id="unaccounted_for"),
    pytest.param("The insurgents took five soldiers captive.", [("captured", 5, 5, None)], id="taken_captive"),
    # The parser hangs the second object on the first verb and the second verb on the first object.
    pytest.param("The attack killed three and injured nine.", [("killed", 3, 3, None), ("injured", 9, 9, None)],
                 id="each_verb_of_two_coordinated_keeps_its_object"),
    pytest.param("The bomb killed two and wounded 15.", [("killed", 2, 2, None), ("injured", 15, 15, None)],
                 id="each_verb_keeps_its_object_when_parsed_right"),
    pytest.param("Three of the victims were in serious condition.", [("injured", 3, 3, None)],
                 id="in_a_condition"),
    pytest.param("Doctors treated 20 people for shrapnel wounds.", [("injured", 20, 20, None)],
                 id="treated_the_count_for_wounds"),
    # a part of the harmed is at least that many of them
    pytest.param("Two soldiers were among those killed.", [("killed", 2, None, "at least")], id="among_those_killed"),
    pytest.param("Two soldiers went missing after the battle.", [("missing", 2, 2, None)], id="went_missing"),
    pytest.param("Twelve of the wounded were children.", [("injured", 12, None, "at least")],
                 id="a_part_of_the_harmed"),
    pytest.param("The hospital admitted 12 people with gunshot wounds.", [("injured", 12, 12, None)],
                 id="with_wounds_on_the_count"),
    pytest.param("A child was among the wounded.", [("injured", 1, None, "at least")], id="one_among_the_harmed"),
    pytest.param("A soldier and two security guards were among those killed.",
                 [("killed", 1, None, "at least"), ("killed", 3, None, "at least"), ("killed", 2, None, "at least")],
                 id="those_among_the_harmed_are_summed"),
    pytest.param("The American star, now one of the world's most famous prisoners, faces trial.", [],
                 id="one_of_a_noun_of_harm_is_no_count"),
    pytest.param("Security forces rounded up 40 suspects.", [("captured", 40, 40, None)], id="rounded_up"),
    # a coordinated harm verb with no subject of its own befalls the same people
    pytest.param("Two aid workers were abducted and killed.", [("captured", 2, 2, None), ("killed", 2, 2, None)],
                 id="abducted_and_killed"),
    # the wounded who died count among the dead only
    pytest.param("Three soldiers were injured and later died in hospital.",
                 [("killed", 3, 3, None)], id="injured_and_later_died"),
    pytest.param("The blast left him wounded, and he died on the way to hospital.",
                 [("killed", 1, 1, None)], id="left_wounded_then_he_died"),
    pytest.param("A soldier was wounded and his brother died.", [("injured", 1, 1, None), ("killed", 1, 1, None)],
                 id="another_person_died"),
    pytest.param("She was wounded and he died.", [("injured", 1, 1, None), ("killed", 1, 1, None)],
                 id="a_pronoun_of_another_gender_is_another_person"),
    pytest.param("Two soldiers were wounded and he died.", [("injured", 2, 2, None), ("killed", 1, 1, None)],
                 id="he_is_none_of_a_count"),
    # one person in the slot of any count construction is one victim
    pytest.param("The explosion left a soldier wounded.", [("injured", 1, 1, None)], id="left_one_wounded"),
    pytest.param("Gunmen shot dead a village chief.", [("killed", 1, 1, None)], id="shot_dead_unlabelled"),
    pytest.param("He served under a commander who was killed in an air strike last week.", [],
                 id="one_in_a_relative_clause_is_background"),
    pytest.param("Fernando Herrera Silva, a member of the ruling party, was gunned down.", [("killed", 1, 1, None)],
                 id="an_apposition_is_the_same_person"),
    # numbers that count no one: a live blog's timestamp, a compound modifier, a share
    pytest.param("30 Jun 2022 21.51 Two people were injured in a strike on Odesa.", [("injured", 2, 2, None)],
                 id="a_timestamp_is_no_count"),
    pytest.param("At 21:51 two people were injured.", [("injured", 2, 2, None)], id="a_time_is_no_count"),
    pytest.param("Two three-star generals were killed in the strike.", [("killed", 2, 2, None)],
                 id="a_number_in_a_compound_modifier_is_no_count"),
    pytest.param("The two-time Olympic medallist was killed fighting near Bakhmut.", [("killed", 1, 1, None)],
                 id="a_two_time_medallist_is_one"),
    pytest.param("Members of a 26-member regional body were detained in Kherson.", [],
                 id="the_size_of_a_body_is_no_count"),
    pytest.param("Two-thirds of the village's residents have fled.", [], id="a_share_is_no_count"),
    pytest.param("Forty-nine people were killed.", [("killed", 49, 49, None)], id="a_hyphenated_number_still_counts"),
    pytest.param("Some 1.5 million people have fled.", [("displaced", 1_500_000, 1_500_000, "approximately")],
                 id="decimals_with_a_scale_count"),
    pytest.param("About 40-50 thousand people have fled.", [("displaced", 40_000, 50_000, "range")],
                 id="a_range_shares_its_scale"),
    pytest.param("Russia claims to have killed a large number of mercenaries.", [("killed", 3, None, "vague")],
                 id="a_large_number_of"),
    # one person a harm word describes was harmed elsewhere, in a story told before (a review's sentences)
    pytest.param("The widow of a slain officer spoke at the rally.", [], id="one_described_by_a_harm_word"),
    pytest.param("A missing child was found safe.", [], id="one_missing_child_found"),
    pytest.param("The hostage, a British aid worker, was freed.", [], id="one_in_apposition_to_a_harm_noun"),
    pytest.param("They left him for dead.", [], id="left_for_dead"),
    pytest.param("A woman was wounded and he died.", [("injured", 1, 1, None), ("killed", 1, 1, None)],
                 id="he_is_not_the_woman"),
    pytest.param("A gunman shot and wounded a guard before he was killed.",
                 [("injured", 1, 1, None), ("killed", 1, 1, None)], id="he_is_not_the_guard"),
    # the corpus (Guardian)
    pytest.param("The United States exchanged Rudolf Ivanovich Abel, a Soviet spy, for Francis Gary Powers, the "
                 "American pilot of a U-2 spy plane that shot down over the Soviet Union two years earlier.", [],
                 id="one_of_a_noun_in_a_count_of_is_no_victim"),
    pytest.param("Zabielski is the second American citizen to have died after Willy Joseph Cancel, a 22-year-old "
                 "ex-Marine, was killed fighting in late April.", [("killed", 1, 1, None)],
                 id="a_harm_clause_with_its_own_subject_links_no_other"),
    pytest.param("A journalist was abducted and killed.", [("captured", 1, 1, None), ("killed", 1, 1, None)],
                 id="one_abducted_and_killed"),
    pytest.param("Five people were injured and evacuated.", [("injured", 5, 5, None)],
                 id="the_injured_evacuated_are_not_displaced"),
    pytest.param("A woman was injured and evacuated.", [("injured", 1, 1, None)],
                 id="one_injured_evacuated_is_not_displaced"),
    pytest.param("A polling clerk and an election observer were killed and one injured in a shooting.",
                 [("killed", 1, 1, None), ("killed", 2, 2, None), ("killed", 1, 1, None), ("injured", 1, 1, None)],
                 id="a_verb_with_its_own_subject_shares_none"),
    pytest.param("A soldier and two civilians were abducted and killed.",
                 [("captured", 1, 1, None), ("captured", 3, 3, None), ("killed", 1, 1, None), ("killed", 3, 3, None),
                  ("captured", 2, 2, None), ("killed", 2, 2, None)], id="coordinated_victims_abducted_and_killed"),
    # over-matches a review found: none of these is a figure
    pytest.param("Thousands of prisoners are held in appalling conditions.", [("captured", 2000, None, "vague")],
                 id="conditions_are_no_harm_but_prisoners_are_captives"),
    pytest.param("Two officials went to hospital to visit the wounded.", [], id="going_to_hospital_is_no_harm"),
    pytest.param("Authorities received 500 requests for evacuation.", [], id="requests_for_evacuation_are_no_people"),
    pytest.param("The war, the largest in Europe since World War II, has killed more than 8,000 civilians.",
                 [("killed", 8000, None, "at least")], id="a_war_compared_with_a_past_one_is_this_one"),
    pytest.param("The force killed two armed insurgents and wounded a third.",
                 [("killed", 2, 2, None), ("injured", 1, 1, None)], id="a_third_is_one_more"),
    pytest.param("Two were killed and a third was wounded.", [("killed", 2, 2, None), ("injured", 1, 1, None)],
                 id="a_third_as_subject"),
    pytest.param("A third of the residents were killed.", [], id="a_third_of_them_is_a_share"),
    pytest.param("Five children were among the 12 dead.", [("killed", 5, None, "at least"), ("killed", 12, 12, None)],
                 id="a_harm_word_with_its_number_counts_the_harmed"),
    pytest.param("Doctors treated the 40 wounded.", [("injured", 40, 40, None)], id="the_40_wounded"),
    # the corpus (Guardian)
    pytest.param("Around 100 civilians were on Sunday evacuated from the Azovstal steelworks in Mariupol.",
                 [("displaced", 100, 100, "approximately")], id="a_subject_split_from_its_participle"),
    pytest.param("Usmanova was among dozens of civilians evacuated from the plant in Mariupol.",
                 [("displaced", 24, None, "vague")], id="a_participle_on_the_noun_after_of"),
    pytest.param("The airstrike wiped out a family of six.", [("killed", 6, 6, None)], id="wiped_out"),
    pytest.param("The strike wiped out three tanks.", [], id="wiped_out_things"),
    pytest.param("Among those killed was a journalist.", [("killed", 1, None, "at least")],
                 id="one_among_those_harmed"),
    # A relative clause's killing mostly names someone by an earlier incident ("the commander who was killed in
    # an air strike last week"): no figure of this article's events.
    pytest.param("He served under a commander who was killed in an air strike last week.", [],
                 id="a_killing_in_a_relative_clause_is_background"),
    # constructions and words from a read of the corpus sentences that hold a harm word and a number but gave
    # no figure (stop 20), each with near misses of its shape
    pytest.param("Soldiers arrested and interrogated 12 men in the village of Yahidne.", [("captured", 12, 12, None)],
                 id="the_first_verb_shares_the_last_ones_object"),
    pytest.param("Troops killed two and wounded five.", [("killed", 2, 2, None), ("injured", 5, 5, None)],
                 id="each_verb_with_its_own_object"),
    pytest.param("Police arrested and charged 12 men with fraud.", [], id="charged_with_fraud_is_no_war"),
    pytest.param("Two medics were paraded on Russian television after being captured near Mariupol.",
                 [("captured", 2, 2, None)], id="after_being_captured"),
    pytest.param("The two men were released after being questioned for six hours.", [], id="after_being_questioned"),
    pytest.param("Thirty-two sailors are still listed as missing after the cruiser sank.", [("missing", 32, 32, None)],
                 id="listed_as_missing"),
    pytest.param("At least 15 aid workers are being held as hostages by the militia.",
                 [("captured", 15, None, "at least")], id="held_as_hostages"),
    pytest.param("The documents are being held as evidence by prosecutors.", [], id="held_as_evidence"),
    pytest.param("Dozens of deaths were reported after the strike on the market in Toretsk.",
                 [("killed", 24, None, "vague")], id="a_count_of_a_harm_noun"),
    pytest.param("The battle for Bakhmut has been fought with thousands of casualties on both sides.",
                 [("casualties", 2000, None, "vague")], id="thousands_of_casualties"),
    pytest.param("Two of the prisoners were released.", [], id="a_part_of_the_prisoners_is_no_count_of_them"),
    pytest.param("Hundreds of cases of cholera have been reported in the occupied city.", [], id="cases_of_cholera"),
    pytest.param("This brings the total number of people killed in the region this week to 27.",
                 [("killed", 27, 27, None)], id="brings_the_total_to"),
    pytest.param("Another 40 buses arrived on Saturday, bringing the total number to 310.", [],
                 id="a_total_of_things"),
    pytest.param("Four people were taken to hospital after the blast.", [("injured", 4, 4, None)],
                 id="taken_to_hospital"),
    pytest.param("More than 30 people are still in hospital, the mayor said.", [("injured", 30, None, "at least")],
                 id="still_in_hospital"),
    pytest.param("Two people were in a critical condition after the blast.", [("injured", 2, 2, None)],
                 id="in_a_critical_condition"),
    pytest.param("The soldiers fought to the death.", [], id="fought_to_the_death"),
    pytest.param("Twelve people were killed in the hospital.", [("killed", 12, 12, None)],
                 id="in_the_hospital_is_a_place"),
    pytest.param("Some 250 Russian soldiers surrendered to Ukrainian forces near Izium, the general staff said.",
                 [("captured", 250, 250, "approximately")], id="surrendered"),
    pytest.param("Ten soldiers refused to surrender.", [], id="refused_to_surrender"),
    pytest.param("Russia demanded that the garrison surrender the city by Sunday.", [], id="a_demand_is_no_deed"),
    pytest.param("The Russian defence ministry said 80 soldiers who surrendered in the past day were being treated "
                 "for injuries.", [("injured", 80, 80, None)], id="the_main_clause_over_a_relative_one"),
    pytest.param("Ukrainian officials say Russian forces have deported more than 2,000 children from Kherson.",
                 [("displaced", 2000, None, "at least")], id="deported"),
    pytest.param("Twenty civilians were maimed by mines in the Kharkiv region last month.",
                 [("injured", 20, 20, None)], id="maimed"),
    pytest.param("A few more images captured by AFP show the destroyed bridge.", [], id="images_captured"),
    pytest.param("Hundreds of dolphins have died in the Black Sea since the invasion.", [], id="dolphins"),
    pytest.param("Almost 20,000 Finns died in the winter war.", [], id="the_winter_war_is_a_past_war"),
    pytest.param("His grandfather was killed in the Korean war.", [], id="the_korean_war_is_a_past_war"),
    pytest.param("Three civilians died near a memorial to the winter war on Tuesday.", [("killed", 3, 3, None)],
                 id="a_memorial_to_a_past_war_is_a_place"),
    # a review's sentences
    pytest.param("The vote killed the bill.", [], id="a_bill_is_no_victim"),
    pytest.param("Ukrainian forces destroyed two tanks and captured a third.", [], id="a_third_tank"),
    pytest.param("One tank was destroyed and another captured.", [], id="another_tank"),
    pytest.param("Gunmen killed two insurgents and wounded a third.", [("killed", 2, 2, None), ("injured", 1, 1, None)],
                 id="a_third_insurgent"),
    pytest.param("The explosion killed a policeman and wounded his colleague.",
                 [("killed", 1, 1, None), ("injured", 1, 1, None)], id="his_colleague"),
    pytest.param("Twelve people were injured and one of them later died in hospital.",
                 [("injured", 12, 12, None), ("killed", 1, 1, None)], id="one_of_them_later_died"),
    pytest.param("Twelve people were injured, two of them seriously.", [("injured", 12, 12, None)],
                 id="two_of_them_seriously_is_a_part"),
    # a red team's sentences in wire, ISAF-release and war-reporting styles (stop 20)
    pytest.param("The dead included two teachers and a police officer.",
                 [("killed", 2, None, "at least"), ("killed", 1, None, "at least")], id="the_dead_included"),
    pytest.param("Those killed included four children.", [("killed", 4, None, "at least")], id="those_killed_included"),
    pytest.param("Wounded in the blast were 14 shoppers and two guards.",
                 [("injured", 14, 14, None), ("injured", 2, 2, None)], id="fronted_participle"),
    pytest.param("Six civilians were killed in Kharkiv and two more in Izium.",
                 [("killed", 6, 6, None), ("killed", 2, 2, None)], id="a_gapped_count"),
    pytest.param("He said two civilians had been killed and two more injured.",
                 [("killed", 2, 2, None), ("injured", 2, 2, None)], id="a_gapped_count_with_its_own_harm_word"),
    pytest.param("At least 15 people were killed or injured in the attack.", [("casualties", 15, None, "at least")],
                 id="killed_or_injured"),
    pytest.param("The blast killed or wounded dozens of worshippers.", [("casualties", 24, None, "vague")],
                 id="killed_or_wounded_an_object"),
    pytest.param("No one was killed or wounded.", [("casualties", 0, 0, "none reported")],
                 id="no_one_killed_or_wounded"),
    pytest.param("Half a dozen soldiers were wounded.", [("injured", 6, 6, None)], id="half_a_dozen"),
    pytest.param("A pair of journalists were detained at a checkpoint.", [("captured", 2, 2, None)], id="a_pair_of"),
    pytest.param("Up to 100 people may have been killed, according to local residents.",
                 [("killed", None, 100, "up to")], id="may_have_been_killed_is_an_estimate"),
    pytest.param("Thousands could have been killed.", [], id="could_have_been_is_no_deed"),
    pytest.param("Had they stayed, 300 people might have been killed.", [], id="might_have_been_on_a_condition"),
    # a review's sentences
    pytest.param("Twelve people were killed and 30 - mostly women - were injured.",
                 [("killed", 12, 12, None), ("injured", 30, 30, None)], id="a_dash_set_off_by_spaces"),
    pytest.param("Twenty-odd soldiers died in the attack.", [("killed", 20, 20, None)], id="twenty_odd"),
    pytest.param("The blast killed one and injured another.", [("killed", 1, 1, None), ("injured", 1, 1, None)],
                 id="another_after_a_count"),
    pytest.param("Russian forces closed in on the city, killing 12 civilians.", [("killed", 12, 12, None)],
                 id="closed_in_is_no_hypothesis"),
    pytest.param("The wounded man died and left three children.", [("killed", 1, 1, None)],
                 id="an_intransitive_shares_no_object"),
    pytest.param("He was injured and lost two fingers.", [("injured", 1, 1, None)],
                 id="a_passive_shares_no_object"),
    pytest.param("Fourteen men were questioned on Monday without being arrested.", [], id="without_being_arrested"),
    pytest.param("The 40 agents were disguised as prisoners.", [], id="disguised_as_prisoners"),
    pytest.param("The report counts 12 types of injuries.", [], id="types_of_injuries"),
    pytest.param("The 40 doctors were sent to the hospital.", [], id="doctors_sent_to_the_hospital"),
    pytest.param("The toll rose to 23 dead and 45 injured on Tuesday.", [("killed", 23, 23, None),
                                                                          ("injured", 45, 45, None)],
                 id="a_toll_of_dead_and_injured"),
    pytest.param("Officials put the death toll at 64.", [("killed", 64, 64, None)], id="a_toll_is_no_victim"),
    pytest.param("Islamic State has claimed to have killed a tribal figure near the capital.", [("killed", 1, 1, None)],
                 id="a_figure_is_a_person"),
    pytest.param("About 90 people had been sheltering in the building and 30 were rescued, seven of them wounded, "
                 "from the rubble of the school in Bilohorivka.",
                 [("injured", 7, 7, None)], id="seven_of_them_wounded"),
    pytest.param("Unidentified gunmen injured a schoolteacher in Kidal.", [("injured", 1, 1, None)],
                 id="a_schoolteacher_is_a_person"),
    pytest.param("The blast injured the bridge and wounded a guard.", [("injured", 1, 1, None)],
                 id="a_bridge_is_no_person"),
    pytest.param("A 16-year-old Palestinian was shot dead by Israeli forces in Jenin.", [("killed", 1, 1, None)],
                 id="a_people_s_word_for_one_of_them"),
    pytest.param("Gunmen killed an Afghan in Kabul.", [("killed", 1, 1, None)], id="an_afghan_is_one"),
    pytest.param("The Ukrainian army captured a Russian tank.", [], id="a_russian_tank_is_no_russian"),
    pytest.param("There was no word of casualties.", [("casualties", 0, 0, "none reported")], id="no_word_of"),
    pytest.param("Not less than 15 people were killed.", [("killed", 15, None, "at least")], id="not_less_than"),
    pytest.param("Three injured children fled to Poland.", [("displaced", 3, 3, None)],
                 id="the_wounded_who_fled_are_displaced"),
    pytest.param("Drug-addled soldiers captured three villagers.", [("captured", 3, 3, None)],
                 id="a_charge_word_on_the_captors_is_no_charge"),
    pytest.param("An Afghan and coalition security force detained a Taliban leader who facilitates drug trafficking "
                 "in the district.", [("captured", 1, 1, None)], id="a_charge_in_a_relative_clause_is_the_past"),
    pytest.param("Bandits abducted 30 passengers during a highway robbery.", [("captured", 30, 30, None)],
                 id="an_abduction_in_a_robbery_is_violence"),
    pytest.param("Gunmen shot and wounded a lawmaker in Mogadishu.", [("injured", 1, 1, None)],
                 id="shot_and_wounded_a_person"),
    pytest.param("The blast injured his leg.", [], id="a_body_part_is_no_victim"),
    pytest.param("Shrapnel wounded her arm and she was taken to hospital.", [("injured", 1, 1, None)],
                 id="the_wounded_arm_is_hers"),
    pytest.param("Three civilians suffered concussion after the strike.", [("injured", 3, 3, None)], id="concussion"),
    pytest.param("Fewer than 10 people were injured.", [("injured", None, 10, "up to")], id="fewer_than"),
    pytest.param("Less than 20 soldiers were wounded.", [("injured", None, 20, "up to")], id="less_than"),
    pytest.param("No fewer than 12 people were killed.", [("killed", 12, None, "at least")], id="no_fewer_than"),
    pytest.param("The two sides reported heavy losses.", [], id="sides_are_no_victims"),
    pytest.param("A bomb exploded in Kirkuk, killing nineteen.", [("killed", 19, 19, None)],
                 id="a_number_word_the_ner_calls_a_date"),
    pytest.param("The mortar round struck a school, killing eleven and injuring fourteen.",
                 [("killed", 11, 11, None), ("injured", 14, 14, None)], id="number_words_after_harm_verbs"),
    pytest.param("Four people were killed in nineteen ninety-four.", [("killed", 4, 4, None)],
                 id="a_year_in_words_is_no_count"),
    pytest.param("Two wounded soldiers were evacuated to Kyiv.", [("injured", 2, 2, None)],
                 id="the_wounded_evacuated_are_wounded"),
    pytest.param("Seven casualties were evacuated by helicopter.", [("casualties", 7, 7, None)],
                 id="casualties_evacuated_are_casualties"),
    pytest.param("More than 300 children were evacuated from Kharkiv.", [("displaced", 300, None, "at least")],
                 id="the_evacuated_are_displaced"),
    pytest.param("The attacks injured a total of 56 people.", [("injured", 56, 56, None)], id="a_total_of"),
    pytest.param("A total of 12 were killed and 30 wounded.", [("killed", 12, 12, None), ("injured", 30, 30, None)],
                 id="a_total_of_a_bare_number"),
    pytest.param("Three soldiers were seriously to critically injured.", [("injured", 3, 3, None)],
                 id="a_graded_harm"),
    pytest.param("Nine people had sustained injuries in the blast.", [("injured", 9, 9, None)],
                 id="a_perfect_read_as_have"),
    pytest.param("The group had planned to kill 20 people.", [], id="an_infinitive_is_an_aim"),
    pytest.param("There were 7 dead and 20 injured.", [("killed", 7, 7, None), ("injured", 20, 20, None)],
                 id="each_number_its_own_harm_word"),
    pytest.param("The toll was 12 dead and 40 wounded.", [("killed", 12, 12, None), ("injured", 40, 40, None)],
                 id="each_number_its_own_harm_word_after_a_copula"),
    pytest.param("There were no immediate reports of casualties.", [("casualties", 0, 0, "none reported")],
                 id="no_reports_of_casualties"),
    pytest.param("There was no sign of casualties at the scene.", [("casualties", 0, 0, "none reported")],
                 id="no_sign_of_casualties"),
    pytest.param("The shooting left one dead and two wounded.", [("killed", 1, 1, None), ("injured", 2, 2, None)],
                 id="each_count_its_own_harm_word_after_a_verb"),
    pytest.param("The clashes left dozens dead and hundreds wounded.",
                 [("killed", 24, None, "vague"), ("injured", 200, None, "vague")], id="vague_counts_each_their_own"),
])
def test_common_wordings_give_their_figures(figures, sentence, want):
    assert figures(sentence) == want


@pytest.mark.parametrize("sentence, place", [
    ("Russian missiles struck Serhiivka, a village near Odesa, killing 21 people.", "Serhiivka"),
    ("Russian shelling hit Pisky near Donetsk, killing two civilians.", "Pisky"),
    ("Shelling near Odesa killed two people.", "Odesa"),
])
def test_the_place_a_town_is_named_beside_is_no_place_of_the_harm(language, sentence, place):
    assert {f.location_name for f in extract_figures(language(sentence)[:], PUBLISHED)} == {place}


def test_the_town_named_outright_over_the_one_a_distance_is_measured_from(language):
    # the corpus (Guardian)
    sent = language("An apartment block and beach hotel in Serhiivka, 50km south of Odesa, was hit on 1 July, "
                    "killing 21 people and injuring 35.")[:]
    assert {f.location_name for f in extract_figures(sent, PUBLISHED)} == {"Serhiivka"}


# Coordinated victims: each part and their sum, in no fixed order.
COORDINATED = [
    pytest.param("Gunmen killed two women and three children of the same family while they were driving on a "
                 "highway near the capital, Tripoli.",
                 date(2019, 11, 1), [("killed", 2, 2, None), ("killed", 3, 3, None), ("killed", 5, 5, None)],
                 id="coordinated_victims_are_summed"),
    pytest.param("Gunmen have killed a district governor and his son in the district of Shakhil Abad in "
                 "Afghanistan's eastern Paktika province.",
                 date(2017, 5, 1), [("killed", 1, 1, None)] * 2 + [("killed", 2, 2, None)],
                 id="coordinated_single_victims_are_summed"),
    pytest.param("Eight workers from an electric company and three other people were found dead on Thursday in San "
                 "Juan Opico municipality in a rural part of El Salvador and authorities said they were likely "
                 "killed by gang members.",
                 date(2016, 3, 3), [("killed", 3, 3, None), ("killed", 8, 8, None), ("killed", 11, 11, None)],
                 id="found_dead_with_coordinated_counts"),
    pytest.param("After initial questioning of the residents at the scene, the security force identified and "
                 "detained the targeted individual along with three of his associates.",
                 date(2010, 10, 17), [("captured", 1, 1, None), ("captured", 3, 3, None), ("captured", 4, 4, None)],
                 id="companions_add_to_the_count"),
    pytest.param("Six civilians and two police officers were killed in the attack.",
                 PUBLISHED, [("killed", 2, 2, None), ("killed", 6, 6, None), ("killed", 8, 8, None)],
                 id="coordinated_counts_give_their_parts_and_their_total"),
    pytest.param("A network cell leader was captured and multiple suspected insurgents were detained by the force.",
                 PUBLISHED, [("captured", 1, 1, None), ("captured", 3, None, "vague"), ("captured", 4, None, "vague")],
                 id="coordinated_clauses_of_one_category_are_one_count"),
    # A paraphrase of the construction, not a dev sentence: the parts after the comma add up to the total.
    pytest.param("The car bomb killed 20 people, 12 civilians and eight soldiers, near the checkpoint.",
                 PUBLISHED, [("killed", 8, 8, None), ("killed", 12, 12, None), ("killed", 20, 20, None)],
                 id="a_total_then_its_parts_is_not_summed_again"),
]


@pytest.mark.parametrize("sentence, published, want", COORDINATED)
def test_coordinated_victims_give_their_parts_and_their_total(figures, sentence, published, want):
    assert sorted(figures(sentence, published)) == sorted(want)


# --- what is not a figure -----------------------------------------------------------------------

def test_hypothetical_count(figures):
    sentence = ("He said cholera and other deadly diseases could kill thousands of people in the southern "
                "Ukrainian city as the corpses lie uncollected and summer brings warmer weather.")
    assert figures(sentence, date(2022, 6, 10)) == []


def test_negated_trigger(figures):
    assert figures("The woman was not detained.", date(2010, 2, 6)) == []


def test_sentenced_to_death_is_no_killing(figures):
    sentence = ("Three other foreign fighters, the Britons Aiden Aslin and Shaun Pinner and the Moroccan Brahim "
                "Saadoun, were sentenced to death by a court in Donetsk earlier this month, although they have "
                "time to appeal.")
    assert figures(sentence, date(2022, 6, 28)) == []


ENERHODAR = ("Russian forces captured Enerhodar in early March and in May, the Russian-appointed head of the city "
             "was injured in an explosion.")


def test_captured_town_is_no_captive(figures):
    assert [f for f in figures(ENERHODAR, date(2022, 8, 20)) if f[0] == "captured"] == []


@pytest.mark.xfail(strict=True, reason="the single-victim rule takes 'the Russian-appointed head of the city' for "
                                       "no person ('head' is no person noun, and adding it alone is not enough); "
                                       "with 'the mayor' in its place the sentence gives its one injured")
def test_captured_town_sentence_still_gives_its_injured(figures):
    assert figures(ENERHODAR, date(2022, 8, 20)) == [("injured", 1, 1, None)]


# --- scope --------------------------------------------------------------------------------------

def test_cumulative_scope(language):
    sentence = ("Approximately 10,000 Ukrainian soldiers have been killed since Russia’s invasion of the country in "
                "February, according to a military adviser to Volodymyr Zelenskiy.")
    found = extract_figures(language(sentence)[:], date(2022, 6, 1))
    assert [(f.category, f.low, f.scope, f.event_date) for f in found] == [("killed", 10000, "cumulative", None)]


def test_scope_cue_in_a_relative_clause_stays_there(language):
    sentence = ("A Mexican indigenous leader who was awarded the prestigious Goldman Environmental Prize in 2005 for "
                "his fight against illegal logging has been shot dead at an uncle's home in the town of Guadalupe y "
                "Calvo.")
    found = extract_figures(language(sentence)[:], date(2017, 1, 17))
    assert [(f.category, f.low, f.scope) for f in found] == [("killed", 1, "event")]


# --- rules added after the second error analysis ------------------------------------------------

def test_an_operation_to_detain_is_an_aim_not_a_capture(figures):
    assert figures("In Sangin district, Helmand province, an Afghan and coalition security force conducted an "
                   "operation to detain a Taliban leader, today.") == []


# --- issue 8, classes 8-11: single victims, subgroups, scope, violence that is no war ------------

@pytest.mark.parametrize("sentence, want", [
    ("Gunmen shot dead a journalist outside his home in the capital.", [("killed", 1)]),
    ("A man shot and killed a lecturer at the university on Tuesday.", [("killed", 1)]),
    ("A shopkeeper was stabbed to death in the market.", [("killed", 1)]),
    ("Five miners are feared killed after the shelling.", [("killed", 5)]),
    ("Two soldiers are believed dead after the ambush.", [("killed", 2)]),
])
def test_single_victims_and_reported_deaths_count(figures, sentence, want):
    assert [(c, low) for c, low, _, _ in figures(sentence)] == want


@pytest.mark.parametrize("sentence, scope", [
    ("At least 40 people have been killed in the region since February.", "cumulative"),
    ("So far this year 300 civilians have been killed in the province.", "cumulative"),
    ("Twelve people have been killed in the past week.", "cumulative"),
    ("Five herders were killed in separate raids over the last week.", "cumulative"),
    ("Nine soldiers have died in the past two days.", "cumulative"),
    ("More than 14,000 people have been killed since the war began.", "cumulative"),
    ("Four people were killed during violence in the city last month.", "event"),
    ("Two people were killed in clashes on Friday.", "event"),
    ("Gunmen killed three people on Sunday and wounded 12, the worst attack since March.", "event"),
    # a period phrase on a gapped conjunct speaks for the clause it shares ("had been killed and 645 injured")
    ("Some 80 soldiers were killed and 200 wounded over the past week.", "cumulative"),
    ("Ukraine's prosecutor said 346 children had been killed and 645 injured since the start of the invasion.",
     "cumulative"),
])
def test_cumulative_only_for_a_running_total_over_a_period(language, sentence, scope):
    assert {f.scope for f in extract_figures(language(sentence)[:], PUBLISHED)} == {scope}


@pytest.mark.parametrize("sentence", [
    "Police arrested 12 people on drug charges in the port city.",
    "Three officials were detained on corruption charges last week.",
    "Two bankers were arrested for fraud on Monday.",
    "The former senator died aged 82 at his home.",
    "The writer died of cancer at the age of 76.",
    "McCain died in 2018.",
    "The 1932-33 famine killed millions of Ukrainians.",
    "In 1994, 800,000 people were killed in Rwanda.",
    "The suspects could face the death penalty.",
    "A 25-year-old was detained and released on bail in 2019.",
    "About 20,000 people died in the Greek civil war.",
    "The village was shelled, but officials made no mention of casualties.",
    "There was no information on casualties.",
    # the charge in the arrest's own clause, on the arrested or under it
    "Police in Lagos arrested 14 suspected drug dealers and seized 300 kilograms of cannabis.",
    "The athlete was detained at a Moscow airport after customs officers found hashish oil in her luggage.",
    "Four men were arrested for shoplifting in Mombasa.",
    # disasters, disease and accidents
    "Four people died in a car crash on the motorway.",
    "The floods left 20 people dead.",
    "More than 50 people died of cholera.",
    "Some 3,000 people were evacuated after the wildfire.",
])
def test_violence_that_is_no_war_gives_no_figure(figures, sentence):
    assert figures(sentence) == []


def test_a_charge_in_a_clause_joined_to_the_arrest_is_not_its_charge(figures):
    assert figures("An Afghan and coalition security force detained two suspected insurgents and seized 50 kilograms "
                   "of narcotics.") == [("captured", 2, 2, None)]


@pytest.mark.parametrize("sentence, want", [
    ("Griner was arrested at a Moscow airport in February.", []),
    ("The State Department says Griner is wrongfully detained.", []),
    # a capture is no police's arrest, whatever the charge; and a name the article gives with no charge is no case
    ("Petrenko was taken prisoner near Kherson.", [("captured", 1, 1, None)]),
    ("Russian forces detained Fedorov on Friday.", [("captured", 1, 1, None)]),
])
def test_an_arrest_of_one_the_article_names_with_a_charge_is_no_war(language, sentence, want):
    article = ("Brittney Griner faces up to 10 years in prison on drug smuggling charges. Ivan Petrenko, a farmer, was "
               "accused of smuggling fuel. Ivan Fedorov is the mayor of Melitopol.")
    sent = language(sentence)[:]
    found = extract_figures(sent, PUBLISHED, read_facts(sent, PUBLISHED, charged=charged_names(article)))
    assert [(f.category, f.low, f.high, f.hedge) for f in found] == want


@pytest.mark.parametrize("sentence, want", [
    ("Three people were killed in the heart of Kharkiv.", [("killed", 3, 3, None)]),
    ("Two people were killed at a cancer hospital in Kyiv.", [("killed", 2, 2, None)]),
])
def test_a_word_of_natural_death_in_a_place_is_no_cause(figures, sentence, want):
    # "heart" and "cancer" say a death was natural in "died of", not in the phrases of "killed"
    assert figures(sentence) == want


def test_a_harm_word_of_age_on_the_victim_is_no_cause(figures):
    # "old" names natural deaths ("died of old age"), not a victim's age
    assert figures("At least five people were injured, including a seven-year-old girl.") == [
        ("injured", 5, None, "at least")]


def test_a_running_total_since_a_past_year_is_news(language):
    (f,) = extract_figures(language("Since 2014, more than 14,000 people have been killed in Donbas.")[:], PUBLISHED)
    assert (f.category, f.low, f.scope) == ("killed", 14000, "cumulative")


def _article_figures(language, sentences):
    """(sentence index, sentence, figure) of an article's sentences read in order, with the running sums."""
    return with_additions([(i, s, f) for i, s in enumerate(sentences)
                           for f in extract_figures(language(s)[:], PUBLISHED)])


def test_a_count_added_in_a_later_sentence_gives_the_running_sum(language):
    sentences = ["An Afghan and coalition security force captured a Taliban leader in Khost province today.",
                 "The leader directed roadside bomb attacks in the district.",
                 "The security force also detained two additional suspected insurgents."]
    figures = _article_figures(language, sentences)
    assert [(i, f.category, f.low) for i, _, f in figures] == [
        (0, "captured", 1), (2, "captured", 2), (2, "captured", 3)]
    assert len({(i, f.token_index, f.category) for i, _, f in figures}) == 3   # distinct ids


def test_also_adds_to_a_count_of_a_place_of_unknown_region(language):
    sentences = ["Russian shelling killed two people in Saltivka.", "Another three were also killed in Kharkiv."]
    assert [(i, f.category, f.low) for i, _, f in _article_figures(language, sentences)] == [
        (0, "killed", 2), (1, "killed", 3), (1, "killed", 5)]


def test_also_adds_nothing_to_a_count_of_another_place(language):
    sentences = ["Oleksiy Vadaturskyi was killed in a Russian strike on Mykolaiv.",
                 "One man was also killed and another injured in shelling in Kharkiv."]
    assert [(i, f.category, f.low) for i, _, f in _article_figures(language, sentences)] == [
        (0, "killed", 1), (1, "killed", 1), (1, "injured", 1)]


@pytest.mark.parametrize("sentence, want", [
    ("A rocket attack on the station killed more than 50 people, among them five children, and wounded nearly 100.",
     [("killed", "people"), ("killed", "children"), ("injured", "people")]),
    ("Officials said one person had died and 15 had been injured.", [("killed", "person"), ("injured", None)]),
    ("Five soldiers were killed, one civilian died and 10 were wounded.",
     [("killed", "soldiers"), ("killed", "civilian"), ("injured", None)]),
    ("Five children were among the 12 dead, and 30 were wounded.",
     [("killed", "children"), ("killed", None), ("injured", None)]),
])
def test_a_bare_count_takes_its_victims_from_a_whole_of_many(language, sentence, want):
    assert [(f.category, f.victims) for f in extract_figures(language(sentence)[:], PUBLISHED)] == want


def test_one_other_is_a_count_on_top_of_the_last(language):
    sentences = ["A joint force arrested a bomb maker in the village yesterday.",
                 "One other suspected militant was taken into custody for questioning."]
    assert [(i, f.category, f.low) for i, _, f in _article_figures(language, sentences)] == [
        (0, "captured", 1), (1, "captured", 1), (1, "captured", 2)]


def test_other_within_a_part_of_a_count_adds_nothing(language):
    """ "two other children" are other than Liza, among the 23: no running sum of 26 (corpus, the Vinnytsia strike)."""
    sentences = ["At least 20 people were killed when Russian missiles hit Vinnytsia on Thursday, officials said.",
                 "The missile strike on Vinnytsia killed 23 people, including Liza and two other children, and "
                 "wounded 140 others."]
    assert sorted((i, f.low) for i, _, f in _article_figures(language, sentences) if f.category == "killed") == [
        (0, 20), (1, 2), (1, 23)]


def test_several_more_is_a_vague_count_on_top_of_the_last(language):
    sentences = ["The force responded to enemy fire, killing several insurgents.",
                 "Later, they were engaged by more insurgents in another fire fight.",
                 "Several more insurgents were killed as a result of the engagement."]
    assert [(i, f.category, f.low, f.hedge) for i, _, f in _article_figures(language, sentences)] == [
        (0, "killed", 3, "vague"), (2, "killed", 3, "vague"), (2, "killed", 6, "vague")]


@pytest.mark.parametrize("sentence", [
    "The Holodomor, a famine in Soviet Ukraine from 1932 to 1933 that killed millions, is remembered today.",
    "In 2008, he was taken into custody in Bangkok.",
    "The singer was arrested at the airport on charges involving hashish oil.",
    "Wildfires raged in the south, prompting the evacuation of more than 14,000 people.",
    "The woman was scheduled to be killed by lethal injection within 48 hours.",
    "The men face the sentencing to death of two of their comrades.",
    # historical figures from other wars (CASUALTY_GUIDE.md)
    "More than 20 million Soviet citizens died in the second world war.",
    "Twelve soldiers died in World War II.",
    "Six million Jews were killed in the Holocaust.",
])
def test_years_natural_causes_and_verdicts_give_no_figure(figures, sentence):
    assert figures(sentence) == []


@pytest.mark.parametrize("sentence, others", [
    ("Thousands of Russian troops were killed or injured.", ("injured", 2000)),
    ("Four soldiers were killed and several wounded.", ("injured", 4)),
    ("Two soldiers were killed and a third wounded.", ("injured", 2)),
])
def test_a_second_harm_verb_does_not_copy_the_first_count(figures, sentence, others):
    """ "killed or injured" says how many were harmed, not that each was both; "and several wounded", "and a third
    wounded" count other people."""
    assert others not in [(category, low) for category, low, _, _ in figures(sentence)]


def test_a_sum_on_an_open_ended_count_is_open_ended(language):
    sentences = ["Among the dead was the mayor of the town.", "One man was also killed in the shelling."]
    assert [(i, f.low, f.high, f.hedge) for i, _, f in _article_figures(language, sentences)
            if f.category == "killed"] == [(0, 1, None, "at least"), (1, 1, 1, None), (1, 2, None, "at least")]


def test_a_part_names_no_whole(language):
    sent = language("Five children were among the 12 dead.")[:]
    assert [(f.low, f.victims) for f in extract_figures(sent, PUBLISHED)] == [(5, "children"), (12, None)]


# A place that says whose or from where people are, or sets the scene in time, is no place of the harm (a corpus
# read of the figures' places, stop 20).
@pytest.mark.parametrize("sentence, place", [
    ("Two US citizens were killed in the Donbas region, the State Department said.", "Donbas"),
    ("Two British fighters from Poland were captured in Mariupol.", "Mariupol"),
    ("One of Ukraine's best-known poets was killed in a strike on Thursday.", None),
    ("Moscow's offensive has killed at least 200 civilians this month.", None),
    ("At least 40 journalists have been killed since Russia invaded Ukraine in February.", None),
    # the scene of a time clause is the place
    ("Since fighting began in Mariupol, 2,000 civilians have been killed.", "Mariupol"),
    ("The evacuation of 200 civilians from Mariupol continued on Friday.", "Mariupol"),
    # the scene stays
    ("At least 200 civilians have been killed in Ukraine this month.", "Ukraine"),
    ("Three American volunteers were captured near Kharkiv, the State Department said.", "Kharkiv"),
    ("Four Kharkiv residents were killed in the shelling.", "Kharkiv"),
])
def test_the_place_of_the_harm(language, sentence, place):
    assert [f.location_name for f in extract_figures(language(sentence)[:], PUBLISHED)] == [place]
