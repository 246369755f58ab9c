"""`warledger eval` on the sample and the dev sets: the real pipeline, scored; floors a little below the targets."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLE_GOLD, SHARED
from transforms.config import settings
from transforms.entry.evaluate import evaluate, split_of

# Targets: WAD killed 0.85, injured 0.90; ISAF killed 0.85, captured 0.80. Held-out data is scored the same way.
FLOORS = {
    "wad_dev.jsonl": {"gold_killed": 0.83, "gold_injured": 0.88},
    "isaf_dev.jsonl": {"gold_min_killed": 0.83, "gold_min_captured": 0.74},
}


def test_sample_article_gives_exactly_its_gold_figures():
    result = evaluate(SAMPLE_GOLD, settings())
    assert (result["precision"], result["recall"]) == (1.0, 1.0), result["false_figures"]
    assert result["accuracy"] == {"hedge": 1.0, "location": 1.0, "event_date": 1.0, "attributed_to": 1.0}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_dev_set_record_level_exact_match_holds_its_floor(name):
    result = evaluate(SHARED / "dev" / name, settings())
    got = {field: round(score["exact"], 3) for field, score in result["exact_match"].items()}
    for field, floor in FLOORS[name].items():
        assert got[field] >= floor, got


def test_eval_command_prints_the_scores():
    out = subprocess.run([str(Path(sys.executable).parent / "warledger"), "eval", "--gold", str(SAMPLE_GOLD)],
                         capture_output=True, text=True, check=True).stdout
    assert "precision 1.000  recall 1.000  F1 1.000" in out


def test_split_halves_are_fixed_by_id_hash_and_cover_the_file():
    lines = (SHARED / "dev" / "acled_dev.jsonl").read_text().split("\n")
    ids = [json.loads(line)["id"] for line in lines if line.strip()]
    halves = {split_of(i) for i in ids}
    assert halves == {"tune", "check"} and split_of("UKR52322") == split_of("UKR52322")
    assert split_of("UKR52322") == ("tune" if int(hashlib.sha1(b"UKR52322").hexdigest(), 16) % 2 == 0 else "check")


# Measured on the first 40 notes of the tune / check half: place 0.900 / 0.975, type+place+day 0.800 / 0.975
# (README has the whole halves). Targets on the check half: place 0.85, type+place+day 0.80.
ACLED_FLOORS = {"place": 0.85, "type+place+day": 0.75}


@pytest.mark.parametrize("split", ["tune", "check"])
def test_acled_notes_are_scored_on_type_place_and_day(tmp_path, split):
    lines = [line for line in (SHARED / "dev" / "acled_dev.jsonl").read_text().split("\n") if line.strip()]
    subset = [line for line in lines if split_of(json.loads(line)["id"]) == split][:40]
    gold = tmp_path / "acled_subset.jsonl"
    gold.write_text("\n".join(subset) + "\n")
    result = evaluate(gold, settings(), split)
    assert result["split"] == split and result["acled"]["place"]["n"] == 40
    got = {name: round(s["exact"], 3) for name, s in result["acled"].items()}
    for name, floor in ACLED_FLOORS.items():
        assert got[name] >= floor, got
    assert got["type+place+day"] <= min(got["type"], got["place"], got["day"])
