"""Ingest: turn landing files into article and sentence rows, and bad input into quarantine rows.

Two formats are read. Line files (``*.txt``): title, date as YYYYMMDD, URL, then
one sentence per line in no particular order. JSONL (``*.jsonl``): records
``{id, title, date (YYYY-MM-DD or null), url, text}`` whose text is prose.
Saved pages (``*.html``) and feed files (``*.xml``, ``*.atom``, ``*.rss``) become
such records through ``transforms.reading.pages``; a fetch's ``*.failures.jsonl`` becomes
quarantine rows.

Nothing here raises on bad input: a file or record that cannot be read becomes a
quarantine row whose reason names the file and the problem, and the rest goes on.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from transforms.reading import pages
from transforms.reading.fetch import FAILURES_SUFFIX, failure_rows
from transforms.reading.rows import (
    ARTICLE_COLUMNS,
    QUARANTINE_COLUMNS,
    RAW_KEEP,
    SENTENCE_COLUMNS,
    quarantine_row,
    sha1,
    unexpected,
)
from transforms.rules.dates import dateline_date

if TYPE_CHECKING:
    import pandas as pd

LINE_SUFFIXES = {".txt"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUPPORTED_SUFFIXES = LINE_SUFFIXES | JSONL_SUFFIXES | pages.HTML_SUFFIXES | pages.FEED_SUFFIXES
# Gold annotations sit beside sample articles; they describe articles, they are not articles.
IGNORED_SUFFIXES = (".gold.json",)
# Publication days outside this span are misread dates, not news: 0001-01-01 is a null in disguise.
FIRST_DAY = date(1900, 1, 1)
MAX_SENTENCE_CHARS = 5000
# spaCy refuses texts over nlp.max_length (1,000,000 characters, E088): prose is cut well below it.
SEGMENT_CHARS = 100_000


class BadRecord(ValueError):
    """A record that cannot become an article; the message is the quarantine reason."""


@dataclass
class Ingested:
    articles: list[dict] = field(default_factory=list)
    sentences: list[dict] = field(default_factory=list)
    quarantine: list[dict] = field(default_factory=list)
    # Earlier texts under an article's URL in the same delivery: kept in article_versions only.
    versions: list[dict] = field(default_factory=list)

    def versions_frame(self) -> pd.DataFrame:
        import pandas as pd  # only for what is read: a run that finds nothing new never needs it

        return pd.DataFrame(self.versions, columns=ARTICLE_COLUMNS)

    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        import pandas as pd

        return (
            pd.DataFrame(self.articles, columns=ARTICLE_COLUMNS),
            pd.DataFrame(self.sentences, columns=SENTENCE_COLUMNS),
            pd.DataFrame(self.quarantine, columns=QUARANTINE_COLUMNS),
        )


def landing_files(path: Path) -> list[Path]:
    """The files under a landing folder (or the one file given), in a stable order."""
    path = Path(path).resolve()
    if not path.exists():
        raise FileNotFoundError(f"input not found: {path}")
    if path.is_file():
        return [path]
    return sorted(
        p for p in path.rglob("*")
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(path).parts)
        and not p.name.endswith(IGNORED_SUFFIXES)
    )


def file_digest(path: Path, max_file_mb: float = 20.0) -> str:
    """sha1 of a file's bytes; for a file too large to ingest, its size and time (it is never read)."""
    stat = Path(path).stat()
    if stat.st_size / 1e6 > max_file_mb:
        return f"unread:{stat.st_size}:{stat.st_mtime_ns}"
    digest = hashlib.sha1()
    try:
        with Path(path).open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError as err:
        # Ingest quarantines it; once it is readable its digest changes and it is read again.
        return f"unreadable:{err.errno}:{stat.st_size}:{stat.st_mtime_ns}"
    return digest.hexdigest()


def ingest(path: Path, max_file_mb: float = 20.0) -> Ingested:
    """Read every landing file under ``path``."""
    return ingest_files(landing_files(path), max_file_mb)


def ingest_files(files: list[Path], max_file_mb: float = 20.0, now: datetime | None = None,
                 max_sentence_chars: int = MAX_SENTENCE_CHARS) -> Ingested:
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    out = Ingested()
    for file in files:
        # The guard of last resort: whatever a file does, the files beside it are read.
        try:
            ingest_file(file, out, max_file_mb, now, max_sentence_chars)
        except Exception as err:
            out.quarantine.append(quarantine_row(str(file), None, unexpected(err), None, now))
    _drop_repeats(out)
    return out


def ingest_file(file: Path, out: Ingested, max_file_mb: float, now: datetime,
                max_sentence_chars: int = MAX_SENTENCE_CHARS) -> None:
    name = str(file)

    def reject(ref: str | None, reason: str, raw: str | bytes | None) -> None:
        out.quarantine.append(quarantine_row(name, ref, reason, raw, now))

    def accept(record: dict, ref: str | None) -> None:
        _check_published(record["published_date"], now.date())
        _add(out, record, name, now, max_sentence_chars, ref, reject)

    data = _read_bytes(file, max_file_mb, reject)
    if data is None:
        return
    # Byte-order marks are no content: a file of marks and blank lines holds no record.
    if not data.replace(b"\xef\xbb\xbf", b"").strip():
        reject(None, "empty file", data)
        return
    suffix = file.suffix.lower()
    if file.name.endswith(FAILURES_SUFFIX):
        try:
            out.quarantine.extend(failure_rows(data, RAW_KEEP))
        except (ValueError, KeyError, TypeError) as err:
            reject(None, f"not a fetch failures file: {err!r}", data)
    elif suffix in pages.HTML_SUFFIXES | pages.FEED_SUFFIXES:
        _add_page_records(file, data, reject, accept)
    elif suffix in LINE_SUFFIXES:
        _add_line_file(data, reject, accept)
    else:
        _add_json_lines(data, reject, accept)


def _read_bytes(file: Path, max_file_mb: float, reject) -> bytes | None:
    """The file's bytes, or None once it is rejected: too big, of a type ingest does not read, or unreadable."""
    size_mb = file.stat().st_size / 1e6
    try:
        if size_mb > max_file_mb:
            with file.open("rb") as fh:
                head = fh.read(RAW_KEEP)
            reject(None, f"file is {size_mb:.1f} MB, over the {max_file_mb:g} MB limit (WARLEDGER_MAX_FILE_MB)",
                   head)
            return None
        if not supported(file):
            reject(None, f"unsupported file type '{file.suffix.lower() or file.name}' (want .txt line files, "
                         f".jsonl, .html pages or .xml/.atom/.rss feeds)", None)
            return None
        return file.read_bytes()
    except OSError as err:
        reject(None, f"cannot be read: {err.strerror or err}", None)
        return None


def _add_line_file(data: bytes, reject, accept) -> None:
    try:
        text = data.decode("utf-8-sig")   # a byte-order mark is no part of the title
        accept(parse_line_file(text), None)
    except UnicodeDecodeError as err:
        reject(None, f"not UTF-8: byte 0x{data[err.start]:02x} at offset {err.start}", data)
    except BadRecord as err:
        reject(None, str(err), data)


def _add_json_lines(data: bytes, reject, accept) -> None:
    for number, line in enumerate(data.split(b"\n"), start=1):
        line = line.removeprefix(b"\xef\xbb\xbf")     # files joined from others carry a mark per line
        if not line.strip():
            continue
        ref = f"line {number}"
        try:
            accept(parse_json_record(line.decode("utf-8")), ref)
        except UnicodeDecodeError as err:
            reject(ref, f"{ref} is not UTF-8: byte 0x{line[err.start]:02x} at offset {err.start}", line)
        except BadRecord as err:
            reject(ref, f"{ref}: {err}", line)
        except Exception as err:   # each record in its own guard: one bad line never stops the file
            reject(ref, f"{ref}: {unexpected(err)}", line)


def supported(file: Path) -> bool:
    """Whether ingest reads this kind of file; others are quarantined but not marked as read."""
    return file.suffix.lower() in SUPPORTED_SUFFIXES


def _add_page_records(file: Path, data: bytes, reject, accept) -> None:
    """A saved page or feed file, read with the extraction that fetched pages go through."""
    try:
        records = pages.read_file(file, data)
    except pages.NotAnArticle as err:
        reject(None, str(err), data)
        return
    for ref, record in records:
        try:
            accept(parse_record(record), ref)
        except BadRecord as err:
            reject(ref, f"{ref}: {err}" if ref else str(err), json.dumps(record, ensure_ascii=False))
        except Exception as err:   # each record in its own guard, as for JSONL lines
            reject(ref, f"{ref}: {unexpected(err)}", json.dumps(record, ensure_ascii=False))


def parse_line_file(text: str) -> dict:
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    if len(lines) < 3:
        raise BadRecord("a line file needs a title, a date and a URL before its sentences; "
                        f"it has {len(lines)} line(s)")
    title, raw_date, url = lines[0], lines[1], lines[2]
    if not title or re.fullmatch(r"\d{8}", title) or _looks_like_url(title):
        raise BadRecord(f"missing title line: line 1 is {title!r}")
    published = _parse_date(raw_date, "%Y%m%d", "line 2", "YYYYMMDD")
    if not _looks_like_url(url):
        raise BadRecord(f"line 3 should be the article's URL, got {url[:80]!r}")
    sentences = [line for line in lines[3:] if line]
    if not sentences:
        raise BadRecord("no sentences after the title, date and URL lines")
    return {"external_id": None, "title": title, "published_date": published, "published_date_from": "record",
            "url": url,
            "source": None, "body": "\n".join(sentences), "sentences": sentences}


def parse_json_record(line: str) -> dict:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        raise BadRecord(f"not JSON ({err.msg} at column {err.colno})") from None
    if not isinstance(record, dict):
        raise BadRecord(f"a JSON {type(record).__name__}, not an object")
    return parse_record(record)


def parse_record(record: dict) -> dict:
    """A JSON record (a JSONL line, a feed item, a page) checked and split into sentences."""
    for key, value in record.items():
        _check_encodable(key, value)
    text = record.get("text")
    if not isinstance(text, str) or not _INVISIBLE.sub("", text):
        raise BadRecord("no 'text'")
    for key in ("title", "date", "url", "source"):
        if record.get(key) is not None and not isinstance(record[key], str):
            raise BadRecord(f"'{key}' is a JSON {type(record[key]).__name__}, not a string")
    identifier = record.get("id")
    if identifier is not None and (isinstance(identifier, bool) or not isinstance(identifier, (str, int))):
        raise BadRecord(f"'id' is a JSON {type(record['id']).__name__}, not a string or number")
    title = record.get("title")
    title = title.strip() if title and title.strip() else None
    raw_date = record.get("date")
    if raw_date is None or not raw_date.strip():
        # Press releases carry their day in a dateline ("KABUL, Afghanistan (Jan. 25, 2013)"):
        # without it, "yesterday" in the text could not be resolved.
        published = dateline_date(text)
        published_from = "dateline" if published else None
    else:
        published = _parse_iso_day(raw_date)
        published_from = "record"
    url = record.get("url") or None
    if url is not None and not _looks_like_url(str(url)):
        raise BadRecord(f"'url' is not a URL: {str(url)[:80]!r}")
    external_id = record.get("id")
    sentences = split_sentences(text)
    if not sentences:
        raise BadRecord("'text' holds no sentence")
    return {"external_id": None if external_id is None else str(external_id),
            "title": title or sentences[0][:120], "published_date": published,
            "published_date_from": published_from, "url": url,
            "source": record.get("source"), "body": text.strip(), "sentences": sentences}


# Whitespace, and characters that show nothing (zero-width space, byte-order mark).
_INVISIBLE = re.compile(r"[\s\u200b\u200c\u200d\ufeff]+")
# Line breaks of every kind: press releases use U+2028 between header lines.
_BREAKS = re.compile(r"[\n\r\u2028\u2029\x85]+")
# "KABUL, Afghanistan (Jan. 14) — An Afghan ...": the dateline is when the story was filed, not
# when its first sentence happened, so it stands alone.
_PLACE_WORDS = r"[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3}"
_DATELINE = re.compile(rf"^({_PLACE_WORDS}(?:, {_PLACE_WORDS})? \([^()]*\d[^()]*\))\s*[—–-]+\s*(?=\S)")


def split_sentences(text: str) -> list[str]:
    """Paragraphs are split on line breaks first: headers and datelines carry no full stop."""
    segmenter = _segmenter()
    paragraphs = [piece for p in _BREAKS.split(text) if p.strip() for part in _split_dateline(p.strip())
                  for piece in _segments(part, SEGMENT_CHARS)]
    return [s.text.strip() for doc in segmenter.pipe(paragraphs) for s in doc.sents if s.text.strip()]


_SENTENCE_END = re.compile(r"[.!?][\"')\]]*\s")
_CLAUSE_BREAK = re.compile(r"(?<=[,;:])\s+|\s+(?=[—–])")


def _segments(text: str, limit: int) -> list[str]:
    """Pieces of at most ``limit`` characters, cut after the last sentence end before it, else the last
    clause mark, else the last space."""
    pieces = []
    while len(text) > limit:
        window = text[:limit]
        ends = [m.end() for m in _SENTENCE_END.finditer(window)] or [m.end() for m in _CLAUSE_BREAK.finditer(window)]
        cut = ends[-1] if ends else (window.rfind(" ") + 1 or limit)
        pieces.append(text[:cut].strip())
        text = text[cut:]
    return [p for p in (*pieces, text.strip()) if p]


def _fitted(sentences: list[str], limit: int) -> list[str]:
    """Sentences over ``limit`` characters cut at clause marks (commas, semicolons, colons, dashes),
    the clauses packed back together up to the limit. A clause longer than it stays whole, for the
    quarantine: the parser's time and memory grow steeply with a sentence's length."""
    fitted = []
    for sentence in sentences:
        if len(sentence) <= limit:
            fitted.append(sentence)
            continue
        chunk = ""
        for clause in _CLAUSE_BREAK.split(sentence):
            if chunk and len(chunk) + 1 + len(clause) > limit:
                fitted.append(chunk)
                chunk = clause
            else:
                chunk = f"{chunk} {clause}" if chunk else clause
        fitted.append(chunk)
    return fitted


def _split_dateline(paragraph: str) -> list[str]:
    m = _DATELINE.match(paragraph)
    return [m.group(1), paragraph[m.end():]] if m else [paragraph]


@lru_cache(maxsize=1)
def _segmenter():
    # A rule-based sentencizer is enough to cut prose; the full model parses each sentence later.
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _check_encodable(key: str, value) -> None:
    """JSON may escape half a surrogate pair ("\\ud800"): valid JSON, but no text UTF-8 can hold."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as err:
            raise BadRecord(f"'{key}' holds a lone surrogate (U+{ord(value[err.start]):04X} at character "
                            f"{err.start}): no valid text") from None


def _parse_iso_day(raw: str) -> date:
    """The whole value is a day or a timestamp: "2022-07-05 is not a date" is not 2022-07-05."""
    value = raw.strip()
    try:
        return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value).date()
    except ValueError:
        raise BadRecord(f"'date' is not a date: {raw[:40]!r} (want YYYY-MM-DD)") from None


def _check_published(day: date | None, today: date) -> None:
    if day is not None and not FIRST_DAY <= day <= today + timedelta(days=1):
        raise BadRecord(f"publication date {day.isoformat()} is outside {FIRST_DAY.isoformat()} to tomorrow")


def _parse_date(raw: str, fmt: str, where: str, want: str) -> date:
    try:
        return datetime.strptime(raw.strip(), fmt).date()
    except ValueError:
        raise BadRecord(f"{where} is not a date: {raw[:40]!r} (want {want})") from None


def _looks_like_url(text: str) -> bool:
    parsed = urlparse(text)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def article_key(record: dict) -> tuple[str, str]:
    """(article_id, content_hash) of a parsed record: the id follows the URL, else the content."""
    content_hash = sha1("\x1f".join([record["title"], str(record["published_date"]), record["body"]]))
    return (sha1(record["url"])[:16] if record["url"] else content_hash[:16]), content_hash


def _add(out: Ingested, record: dict, source_file: str, now: datetime, limit: int, ref: str | None,
         reject) -> None:
    """Add an article; a sentence still over ``limit`` is quarantined by its index, and the rest load."""
    published = record["published_date"]
    article_id, content_hash = article_key(record)
    sentences = []
    for i, text in enumerate(_fitted(record["sentences"], limit)):
        if len(text) > limit:
            where = f"{ref}: " if ref else ""
            reject(ref, f"{where}sentence {i} of article {article_id} is {len(text):,} characters with no clause "
                        f"mark to cut it at, over the {limit:,} of WARLEDGER_MAX_SENTENCE_CHARS", text)
        else:
            sentences.append({"article_id": article_id, "content_hash": content_hash, "sentence_index": i,
                              "text": text})
    source = record["source"] or (urlparse(record["url"]).netloc.removeprefix("www.") if record["url"] else None)
    out.articles.append({
        "article_id": article_id, "external_id": record["external_id"], "url": record["url"],
        "title": record["title"], "published_date": published,
        "published_date_from": record["published_date_from"], "source": source,
        "body": record["body"], "ingested_at": now, "source_file": source_file,
        "content_hash": content_hash,
    })
    out.sentences.extend(sentences)


def _drop_repeats(out: Ingested) -> None:
    """The same article twice in one delivery is read once; of two versions under one URL the last
    is the article, and the earlier are kept as versions."""
    last: dict[str, str] = {}
    for row in out.articles:
        last[row["article_id"]] = row["content_hash"]
    # The texts the last replaced in the same delivery are versions too, first delivery first.
    earlier = {(r["article_id"], r["content_hash"]): r for r in out.articles
               if last[r["article_id"]] != r["content_hash"]}
    out.versions = list(earlier.values())
    seen: set[str] = set()
    kept = []
    for row in reversed(out.articles):
        if row["article_id"] not in seen:
            seen.add(row["article_id"])
            kept.append(row)
    out.articles = kept[::-1]
    out.sentences = [
        {k: v for k, v in s.items() if k != "content_hash"}
        for s in out.sentences if last[s["article_id"]] == s["content_hash"]
    ]
    # Identical sentence lists of a repeated identical article would be duplicated: keep one.
    unique = {(s["article_id"], s["sentence_index"]): s for s in out.sentences}
    out.sentences = list(unique.values())
