"""The main job, `python -m eagerflow.examples.mnist`, on the shipped sample (no download)."""

from __future__ import annotations

import importlib.util

import pytest

from eagerflow.examples import mnist as example


def test_short_run_on_the_sample(tmp_path, capsys) -> None:
    plot = tmp_path / "loss.png"
    accuracy = example.main(
        ["--sample", "--epochs", "1", "--max-steps", "12", "--batch-size", "32",
         "--plot", str(plot)]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert "Data: the MNIST sample shipped with eagerflow" in out
    assert "epoch 1/1" in out and "12/12" in out
    assert "Test accuracy:" in out
    assert 0.0 <= accuracy <= 1.0
    if importlib.util.find_spec("matplotlib") is None:
        assert "matplotlib is not installed" in out
    else:
        assert plot.exists()


def test_missing_data_dir_is_reported(tmp_path) -> None:
    with pytest.raises(SystemExit, match="no mnist.npz and no MNIST idx files"):
        example.main(["--data-dir", str(tmp_path), "--plot", ""])


@pytest.mark.slow
def test_sample_training_clearly_learns() -> None:
    accuracy = example.main(["--sample", "--epochs", "3", "--plot", ""])
    assert accuracy > 0.9


@pytest.mark.slow
def test_full_mnist_three_epochs_reach_98_percent(shared_mnist) -> None:
    accuracy = example.main(["--data-dir", str(shared_mnist), "--epochs", "3", "--plot", ""])
    assert accuracy >= 0.98
