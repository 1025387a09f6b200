"""``wsis affordability``: price as % of monthly GNI per capita, and who meets the threshold."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from wsis.cli.measure import options
from wsis.cli.measure.files import read_values, read_weights
from wsis.cli.measure.output import emit, fail, warehouse
from wsis.engine.measure import affordability as afford
from wsis.engine.measure.memberships import check_memberships
from wsis.engine.measure.provenance import Provenance
from wsis.engine.measure.tidy import MeasureInputError, read_table

if TYPE_CHECKING:
    from wsis.apps.measure.models import Computation

#: The ITU data-only mobile-broadband basket (5 GB), in USD a month: the entry-level broadband service that
#: the 2 % of GNI per capita target (Broadband Commission) speaks of, so that `wsis affordability` alone
#: answers the usual question.
DEFAULT_BASKET = "i271mb_5GB$"


@click.command("affordability")
@click.option(
    "--prices",
    "prices_path",
    default=None,
    help="Tidy: economy,indicator (basket),period,value (USD/month) (default: the warehouse)",
)
@click.option("--gni", "gni_path", default=None, help="economy,period,value (GNI per capita, Atlas USD)")
@click.option("--memberships", "memberships_path", default=None)
@click.option(
    "--group", "groups", multiple=True, help="Count economies meeting the threshold in these groups"
)
@click.option(
    "--basket",
    default=DEFAULT_BASKET,
    show_default=True,
    help="Warehouse: the price series, USD a month (e.g. i154_FBB5$ for fixed broadband)",
)
@click.option("--period", "periods", type=int, multiple=True, help="Warehouse: years (default: all)")
@click.option("--threshold", type=float, default=afford.THRESHOLD, show_default=True)
@options.releases()
@options.from_release
@options.output_format
def affordability(
    prices_path: str | None,
    gni_path: str | None,
    memberships_path: str | None,
    groups: tuple[str, ...],
    basket: str,
    periods: tuple[int, ...],
    threshold: float,
    releases: tuple[str, ...],
    from_release: str | None,
    fmt: str,
) -> None:
    """Price as % of monthly GNI per capita, and how many economies meet the threshold.

    Without --prices: the --basket's prices from the warehouse and World Bank GNI per capita."""
    if prices_path is None:

        def run() -> Computation:
            from wsis.apps.measure.domain import compute

            return compute.affordability(
                basket, periods, groups=groups, threshold=threshold, release=from_release
            )

        warehouse(fmt, run, "by_group" if groups else "shares")
        return
    if gni_path is None:
        raise click.UsageError("--gni is required with --prices")
    try:
        shares = afford.affordability(read_values(prices_path), read_weights(gni_path), threshold=threshold)
        payload: dict[str, Any] = {"shares": shares.to_dicts()}
        table = shares
        if groups:
            if not memberships_path:
                raise MeasureInputError("--group needs --memberships")
            counts = afford.meeting_by_group(shares, check_memberships(read_table(memberships_path)), groups)
            payload["by_group"] = counts.to_dicts()
            table = counts
    except MeasureInputError as exc:
        fail(exc)
    emit(fmt, payload, table, Provenance("affordability", "1", releases, {"threshold": threshold}))
