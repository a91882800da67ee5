"""Fixtures shared by the test modules."""

import pytest

import skmlp.model_selection


@pytest.fixture
def stacks(monkeypatch):
    """The sizes of the stacks the fused searches train, in order."""
    sizes = []
    train = skmlp.model_selection.train

    def recording(members):
        sizes.append(len(members))
        return train(members)

    monkeypatch.setattr(skmlp.model_selection, "train", recording)
    return sizes
