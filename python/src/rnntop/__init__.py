"""Watch a PyTorch training run in rnntop.

:class:`RunLog` writes rnntop's run log from any PyTorch training loop: losses,
learning rates and gradient norms, and, for ``nn.RNN``, ``nn.LSTM`` and ``nn.GRU``,
the gradient at every time step and the hidden states and gates of a probe sequence.
``rnntop replay --follow run.jsonl`` shows it while it trains. :class:`MinGRU` and
:class:`MinLSTM` are PyTorch's versions of rnntop's minGRU and minLSTM cells.

PyTorch is imported when one of them is first asked for, not with the package: the
``rnntop`` command that a binary wheel installs (the viewer) needs no PyTorch.
"""

from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .cells import MinGRU, MinLSTM
    from .runlog import RunLog

__all__ = ["MinGRU", "MinLSTM", "RunLog", "__version__"]

#: What each name is imported from, when it is first asked for.
_LAZY = {"RunLog": "runlog", "MinGRU": "cells", "MinLSTM": "cells"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        try:
            module = importlib.import_module(f".{_LAZY[name]}", __name__)
        except ModuleNotFoundError as error:
            if error.name != "torch":
                raise
            raise ModuleNotFoundError(f"rnntop.{name} needs PyTorch: pip install torch", name="torch") from error
        return getattr(module, name)
    raise AttributeError(f"module 'rnntop' has no attribute {name!r}")
