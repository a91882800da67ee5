"""Fixtures shared by the test modules."""

import pytest

import skmlp.model_selection


def _record_stacks(monkeypatch, module):
    """The list the sizes of the stacks ``module``'s ``train`` trains are appended to."""
    sizes = []
    train = module.train

    def recording(members):
        sizes.append(len(members))
        return train(members)

    monkeypatch.setattr(module, "train", recording)
    return sizes


@pytest.fixture
def stacks(monkeypatch):
    """The sizes of the stacks the fused searches train, in order."""
    return _record_stacks(monkeypatch, skmlp.model_selection)


@pytest.fixture
def record_stacks(monkeypatch):
    """``record_stacks(module)``: the sizes of the stacks ``module.train`` trains."""
    return lambda module: _record_stacks(monkeypatch, module)
