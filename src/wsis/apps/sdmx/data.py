"""Data messages: the selected observations as series, written in the four SDMX data formats.

Series are keyed by every dimension except the one at the observation level (TIME_PERIOD by default,
any dimension or ``AllDimensions`` on request). ``lastNObservations``/``firstNObservations`` count within
each time series (the full key without TIME_PERIOD), as the standard defines them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace

from wsis.apps.sdmx import dsd
from wsis.apps.sdmx.errors import SdmxError, no_results
from wsis.apps.sdmx.query import DataQuery, period_bounds
from wsis.apps.sdmx.read import FIELDS, Selection, rows, visible_releases
from wsis.apps.sdmx.xml import COMMON, GENERIC, MESSAGE, SPECIFIC, XSI, header, q, root, serialise, sub
from wsis.engine.readers.writers import _number

_AT = {name: position for position, name in enumerate(FIELDS)}
DIMENSION_IDS = tuple(d.id for d in dsd.DIMENSIONS)
ALL_IDS = (*DIMENSION_IDS, dsd.TIME.id)
ATTRIBUTE_IDS = tuple(a.id for a in dsd.ATTRIBUTES)
STRUCTURE_ID = f"{dsd.AGENCY}_{dsd.DSD}_{dsd.VERSION.replace('.', '_')}"


@dataclass(frozen=True)
class Obs:
    key: tuple[str, ...]  # SDMX codes of DIMENSIONS, then TIME_PERIOD
    value: float
    attributes: tuple[tuple[str, str], ...]  # (attribute id, text), only those with a value


def _attributes(row: tuple) -> tuple[tuple[str, str], ...]:
    found = [
        ("UNIT_MEASURE", dsd.code_id(row[_AT["unit"]])),
        ("OBS_STATUS", dsd.OBS_STATUS.get(row[_AT["nature"]], "A")),
        ("NATURE", row[_AT["nature"]]),
        ("RELEASE", f"{row[_AT['release__publisher']]}: {row[_AT['release__name']]}"),
        ("SOURCE", row[_AT["source"]]),
        ("COMMENT_OBS", row[_AT["note"]]),
        ("AREA_KIND", row[_AT["area_kind"]]),
        ("SE", row[_AT["se"]]),
        ("CI_LOW", row[_AT["ci_low"]]),
        ("CI_HIGH", row[_AT["ci_high"]]),
    ]
    return tuple(
        (name, _number(v) if isinstance(v, float) else str(v)) for name, v in found if v not in (None, "")
    )


def observations(query: DataQuery) -> list[Obs]:
    """The observations a data query selects, in key order; none is "no results found"."""
    column = {d.id: d.column for d in dsd.DIMENSIONS}
    selection = Selection(
        codes={
            column[d]: tuple(dsd.raw_code(c) for c in codes)
            for d, codes in query.codes.items()
            if d != "FREQ"
        },
        release=query.release,
        updated_after=query.updated_after,
    )
    freqs = set(query.codes.get("FREQ", ()))
    selected: list[Obs] = []
    for row in rows(selection):
        period = row[_AT["period"]]
        freq = dsd.freq_of(period)
        if freqs and freq not in freqs:
            continue
        if query.start or query.end:
            first, last = period_bounds(period, "period")
            if (query.start and last < query.start) or (query.end and first > query.end):
                continue
        key = (freq, *(dsd.code_id(row[_AT[d.column]]) for d in dsd.DIMENSIONS[1:]), period)
        attributes = _attributes(row)
        if query.attribute_codes and not _has_attributes(attributes, query.attribute_codes):
            continue
        if query.attributes is not None:
            attributes = tuple((name, text) for name, text in attributes if name in query.attributes)
        selected.append(Obs(key, row[_AT["value"]], attributes))
    selected.sort(key=lambda o: o.key)
    if query.first_n or query.last_n:
        selected = _first_last(selected, query.first_n, query.last_n)
    if not selected:
        raise no_results("no observation matches the query")
    return selected


def _has_attributes(attributes: tuple[tuple[str, str], ...], wanted: dict[str, tuple[str, ...]]) -> bool:
    found = dict(attributes)
    return all(found.get(name) in values for name, values in wanted.items())


@dataclass(frozen=True)
class Vintage:
    """One release's figures for ``includeHistory``, valid from the release's publication. No end of
    validity is written: a later release of another publisher (or of other indicators) replaces nothing."""

    observations: list[Obs]
    valid_from: dt.datetime | None = None


def history(query: DataQuery) -> list[Vintage]:
    """``includeHistory=true``: the query's figures exactly as each visible release published them, oldest
    first. The warehouse keeps every release's figures, so each is the point-in-time answer of that
    release; a release without matching figures gives no data set."""
    published = sorted(
        (release.publish_at or release.imported_at, release.id) for release in visible_releases()
    )
    vintages: list[Vintage] = []
    for valid_from, release in published:
        try:
            found = observations(replace(query, release=release, include_history=False))
        except SdmxError:
            continue
        vintages.append(Vintage(found, valid_from))
    if not vintages:
        raise no_results("no observation matches the query in any release")
    return vintages


def _first_last(selected: list[Obs], first_n: int | None, last_n: int | None) -> list[Obs]:
    by_series: dict[tuple[str, ...], list[Obs]] = {}
    for obs in selected:
        by_series.setdefault(obs.key[:-1], []).append(obs)
    kept: list[Obs] = []
    for series in by_series.values():
        chosen = set()
        if first_n:
            chosen.update(range(min(first_n, len(series))))
        if last_n:
            chosen.update(range(max(0, len(series) - last_n), len(series)))
        kept += [series[i] for i in sorted(chosen)]
    return kept


def grouped(selected: list[Obs], at: str) -> Iterator[tuple[tuple[str, ...], list[tuple[str, Obs]]]]:
    """(series key, [(observation-dimension value, obs)]); the key in ALL_IDS order without ``at``."""
    position = ALL_IDS.index(at)
    series: dict[tuple[str, ...], list[tuple[str, Obs]]] = {}
    for obs in selected:
        key = obs.key[:position] + obs.key[position + 1 :]
        series.setdefault(key, []).append((obs.key[position], obs))
    yield from series.items()


def _message_header(doc, at: str, namespace: str | None = None) -> None:
    head = header(doc)
    attrs = {"structureID": STRUCTURE_ID, "dimensionAtObservation": at}
    if namespace:
        attrs["namespace"] = namespace
    structure = sub(head, MESSAGE, "Structure", **attrs)
    ref = sub(structure, COMMON, "Structure")
    sub(ref, None, "Ref", agencyID=dsd.AGENCY, id=dsd.DSD, version=dsd.VERSION)


def _valid_from(dataset, vintage: Vintage) -> None:
    if vintage.valid_from is not None:
        stamp = vintage.valid_from.astimezone(dt.UTC).replace(microsecond=0, tzinfo=None)
        dataset.set("validFromDate", stamp.isoformat() + "Z")


def generic(datasets: list[Vintage], query: DataQuery) -> bytes:
    """Generic SDMX-ML 2.1: one data set, or one per release with ``includeHistory``."""
    at = query.dimension_at_observation
    doc = root("GenericData", {"generic": GENERIC})
    _message_header(doc, at)
    for vintage in datasets:
        dataset = sub(doc, MESSAGE, "DataSet", structureRef=STRUCTURE_ID)
        _valid_from(dataset, vintage)
        _generic_dataset(dataset, vintage.observations, query)
    return serialise(doc)


def _generic_dataset(dataset, selected: list[Obs], query: DataQuery) -> None:
    at = query.dimension_at_observation
    with_obs = query.detail in ("full", "dataonly")
    with_attributes = query.detail == "full"

    def obs_content(element, obs: Obs) -> None:
        sub(element, GENERIC, "ObsValue", value=_number(obs.value))
        if with_attributes and obs.attributes:
            attributes = sub(element, GENERIC, "Attributes")
            for name, text in obs.attributes:
                sub(attributes, GENERIC, "Value", id=name, value=text)

    if at == "AllDimensions":
        for obs in selected:
            element = sub(dataset, GENERIC, "Obs")
            key = sub(element, GENERIC, "ObsKey")
            for name, code in zip(ALL_IDS, obs.key, strict=True):
                sub(key, GENERIC, "Value", id=name, value=code)
            obs_content(element, obs)
        return
    names = [n for n in ALL_IDS if n != at]
    for series_key, members in grouped(selected, at):
        series = sub(dataset, GENERIC, "Series")
        key = sub(series, GENERIC, "SeriesKey")
        for name, code in zip(names, series_key, strict=True):
            sub(key, GENERIC, "Value", id=name, value=code)
        if not with_obs:
            continue
        for value, obs in members:
            element = sub(series, GENERIC, "Obs")
            sub(element, GENERIC, "ObsDimension", value=value)
            obs_content(element, obs)


def specific_namespace(at: str) -> str:
    level = "ObsLevelDim:AllDimensions" if at == "AllDimensions" else f"ObsLevelDim:{at}"
    return f"{dsd.urn('datastructure', dsd.DSD)}:{level}"


def structure_specific(datasets: list[Vintage], query: DataQuery) -> bytes:
    """Structure-specific SDMX-ML 2.1: one data set, or one per release with ``includeHistory``."""
    at = query.dimension_at_observation
    namespace = specific_namespace(at)
    doc = root("StructureSpecificData", {"ss": SPECIFIC, "ns1": namespace, "xsi": XSI})
    _message_header(doc, at, namespace)
    for vintage in datasets:
        dataset = sub(doc, MESSAGE, "DataSet")
        dataset.set(q(SPECIFIC, "structureRef"), STRUCTURE_ID)
        dataset.set(q(SPECIFIC, "dataScope"), "DataStructure")
        dataset.set(q(XSI, "type"), "ns1:DataSetType")
        if vintage.valid_from is not None:
            _valid_from(dataset, vintage)
            dataset.set(q(SPECIFIC, "validFromDate"), dataset.attrib.pop("validFromDate"))
        _specific_dataset(dataset, vintage.observations, query)
    return serialise(doc)


def _specific_dataset(dataset, selected: list[Obs], query: DataQuery) -> None:
    at = query.dimension_at_observation
    with_obs = query.detail in ("full", "dataonly")
    with_attributes = query.detail == "full"

    def obs_attrs(obs: Obs) -> dict[str, str]:
        found = {"OBS_VALUE": _number(obs.value)}
        if with_attributes:
            found.update(obs.attributes)
        return found

    if at == "AllDimensions":
        for obs in selected:
            sub(dataset, None, "Obs", **dict(zip(ALL_IDS, obs.key, strict=True)), **obs_attrs(obs))
        return
    names = [n for n in ALL_IDS if n != at]
    for series_key, members in grouped(selected, at):
        series = sub(dataset, None, "Series", **dict(zip(names, series_key, strict=True)))
        if with_obs:
            for value, obs in members:
                sub(series, None, "Obs", **{at: value}, **obs_attrs(obs))


def sdmx_csv(selected: list[Obs], query: DataQuery, *, version: str = "1.0") -> bytes:
    """SDMX-CSV 1.0 (the flow in DATAFLOW) or 2.0 (STRUCTURE, STRUCTURE_ID, ACTION; the 3.0 paths): one row
    per observation; text a spreadsheet would run is prefixed."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    attribute_ids = ATTRIBUTE_IDS if query.detail == "full" else ()
    if query.attributes is not None:
        attribute_ids = tuple(a for a in attribute_ids if a in query.attributes)
    with_value = query.detail in ("full", "dataonly")
    flow = f"{dsd.AGENCY}:{dsd.FLOW}({dsd.VERSION})"
    # 2.0's ACTION is optional, but sdmx1 reads the column as always there: I (information) for every row.
    head, lead = (
        (["DATAFLOW"], [flow])
        if version == "1.0"
        else (["STRUCTURE", "STRUCTURE_ID", "ACTION"], ["dataflow", flow, "I"])
    )
    writer.writerow([*head, *ALL_IDS, *(["OBS_VALUE"] if with_value else []), *attribute_ids])
    for obs in selected:
        found = dict(obs.attributes)
        value = [_number(obs.value)] if with_value else []
        writer.writerow([*lead, *obs.key, *value, *(_neutral(found.get(a, "")) for a in attribute_ids)])
    return out.getvalue().encode("utf-8")


def _neutral(text: str) -> str:
    # A spreadsheet runs a cell starting with = + - @ as a formula (OWASP); numbers are left alone.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text


def sdmx_json(selected: list[Obs], query: DataQuery, names: dict[str, dict[str, str]]) -> bytes:
    """SDMX-JSON data message 1.0: series keyed by value indices, observations by time index."""
    at = query.dimension_at_observation
    flat = at == "AllDimensions"
    series_ids = [] if flat else [n for n in ALL_IDS if n != at]
    obs_ids = list(ALL_IDS) if flat else [at]
    values: dict[str, list[str]] = {n: [] for n in ALL_IDS}
    index: dict[str, dict[str, int]] = {n: {} for n in ALL_IDS}
    for obs in selected:
        for name, code in zip(ALL_IDS, obs.key, strict=True):
            if code not in index[name]:
                index[name][code] = len(values[name])
                values[name].append(code)
    with_attributes = query.detail == "full"
    attr_values: dict[str, list[str]] = {a: [] for a in ATTRIBUTE_IDS}
    attr_index: dict[str, dict[str, int]] = {a: {} for a in ATTRIBUTE_IDS}

    def obs_array(obs: Obs) -> list[object]:
        found = dict(obs.attributes)
        cells: list[object] = [obs.value]
        if with_attributes:
            for name in ATTRIBUTE_IDS:
                text = found.get(name)
                if text is None:
                    cells.append(None)
                    continue
                if text not in attr_index[name]:
                    attr_index[name][text] = len(attr_values[name])
                    attr_values[name].append(text)
                cells.append(attr_index[name][text])
        return cells

    dataset: dict[str, object] = {"action": "Information"}
    with_obs = query.detail in ("full", "dataonly")
    if flat:
        dataset["observations"] = {
            ":".join(str(index[n][c]) for n, c in zip(ALL_IDS, obs.key, strict=True)): obs_array(obs)
            for obs in selected
        }
    else:
        series_out: dict[str, object] = {}
        for series_key, members in grouped(selected, at):
            key = ":".join(str(index[n][c]) for n, c in zip(series_ids, series_key, strict=True))
            entry: dict[str, object] = {"attributes": []}
            if with_obs:
                entry["observations"] = {str(index[at][value]): obs_array(obs) for value, obs in members}
            series_out[key] = entry
        dataset["series"] = series_out

    def dimension(name: str, position: int) -> dict[str, object]:
        component_names = {d.id: d.names for d in (*dsd.DIMENSIONS, dsd.TIME)}[name]
        entries = []
        for code in values[name]:
            entry: dict[str, object] = {"id": code, "name": names.get(name, {}).get(code, code)}
            if name == dsd.TIME.id:
                first, last = period_bounds(code, "period")
                entry["start"] = f"{first.isoformat()}T00:00:00"
                entry["end"] = f"{last.isoformat()}T23:59:59"
            entries.append(entry)
        return {
            "id": name,
            "name": component_names["en"],
            "keyPosition": ALL_IDS.index(name),
            "role": "time" if name == dsd.TIME.id else None,
            "values": entries,
        }

    attributes = (
        [
            {
                "id": a.id,
                "name": a.names["en"],
                "relationship": {"primaryMeasure": "OBS_VALUE"},
                "values": [{"id": v, "name": v} for v in attr_values[a.id]],
            }
            for a in dsd.ATTRIBUTES
        ]
        if with_attributes
        else []
    )
    prepared = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    document = {
        "header": {
            "id": "IREF" + prepared.replace("-", "").replace(":", ""),
            "test": False,
            "prepared": prepared,
            "sender": {"id": dsd.AGENCY},
        },
        "dataSets": [dataset],
        "structure": {
            "links": [
                {"rel": "dataflow", "urn": dsd.urn("dataflow", dsd.FLOW)},
                {"rel": "datastructure", "urn": dsd.urn("datastructure", dsd.DSD)},
            ],
            "name": "ICT indicators (WSIS Observatory warehouse)",
            "dimensions": {
                "dataSet": [],
                "series": [dimension(n, i) for i, n in enumerate(series_ids)],
                "observation": [dimension(n, i) for i, n in enumerate(obs_ids)],
            },
            "attributes": {"dataSet": [], "series": [], "observation": attributes},
        },
    }
    return json.dumps(document, ensure_ascii=False, allow_nan=False).encode("utf-8")
