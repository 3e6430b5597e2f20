"""Watch a PyTorch training run in rnntop.

:class:`RunLog` writes rnntop's run log from any PyTorch training loop: losses,
learning rates and gradient norms, and, for ``nn.RNN``, ``nn.LSTM`` and ``nn.GRU``,
the gradient at every time step and the hidden states and gates of a probe sequence.
``rnntop replay --follow run.jsonl`` shows it while it trains.

PyTorch is imported when :class:`RunLog` is first asked for, not with the package: the
``rnntop`` command that a binary wheel installs (the viewer) needs no PyTorch.
"""

from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .runlog import RunLog

__all__ = ["RunLog", "__version__"]


def __getattr__(name: str) -> Any:
    if name == "RunLog":
        try:
            from .runlog import RunLog
        except ModuleNotFoundError as error:
            if error.name != "torch":
                raise
            raise ModuleNotFoundError("rnntop.RunLog needs PyTorch: pip install torch", name="torch") from error
        return RunLog
    raise AttributeError(f"module 'rnntop' has no attribute {name!r}")
