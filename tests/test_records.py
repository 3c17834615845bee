"""records.py: metrics built by complete_metric and replace_metric are Metrics like any other."""
from __future__ import annotations

import dataclasses
import pickle

import pytest

from extractor.records import Metric, complete_metric, new_metric, replace_metric

CLAIM = Metric(value=12.0, unit="个", unit_class="count", qualifier="exact", subject="党群服务中心", predicate="新建",
               period="今年", span_text="12个", char_start=17, char_end=20, sentence="今年新建党群服务中心12个。",
               sentence_start=0)


@pytest.mark.parametrize("built", [
    complete_metric(CLAIM, "吴山镇", "乡村振兴", 12.0, "个", True, False, True, 3),
    replace_metric(CLAIM, locality="吴山镇", initiative="乡村振兴", base_value=12.0, base_unit="个", is_rate=True,
                   is_threshold=True, echo_of=3),
])
def test_built_metrics_are_frozen_metrics(built: Metric) -> None:
    want = dataclasses.replace(CLAIM, locality="吴山镇", initiative="乡村振兴", base_value=12.0, base_unit="个",
                               is_rate=True, is_threshold=True, echo_of=3)
    assert type(built) is Metric
    assert built == want and hash(built) == hash(want) and repr(built) == repr(want)
    assert pickle.loads(pickle.dumps(built)) == want
    assert dataclasses.replace(built, value=1.0).value == 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.value = 1.0  # type: ignore[misc]


def test_new_metric_of_the_claim_fields_is_the_metric_with_its_defaults() -> None:
    # claims.py gives the first twelve fields, in order: the rest must be Metric's own defaults.
    given = dataclasses.astuple(CLAIM)[:12]
    built = new_metric(*given)
    assert type(built) is Metric and built == CLAIM and repr(built) == repr(CLAIM)
    assert (built.locality, built.base_value, built.is_rate, built.echo_of) == (None, None, False, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.subject = "x"  # type: ignore[misc]
