from hypothesis import given, settings, HealthCheck, strategies as st
from tests.test_incremental import operations, test_any_sequence_of_edits_matches_a_clean_build as t
inner = t.hypothesis.inner_test

@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(operations, min_size=1, max_size=8))
def test_more(ops):
    inner(ops)
