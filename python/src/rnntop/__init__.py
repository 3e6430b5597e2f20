"""Watch a PyTorch training run in rnntop.

:class:`RunLog` writes rnntop's run log from any PyTorch training loop: losses,
learning rates and gradient norms, and, for ``nn.RNN``, ``nn.LSTM`` and ``nn.GRU``,
the gradient at every time step and the hidden states and gates of a probe sequence.
``rnntop replay --follow run.jsonl`` shows it while it trains.
"""

from ._version import __version__
from .runlog import RunLog

__all__ = ["RunLog", "__version__"]
