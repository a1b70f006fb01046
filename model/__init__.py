"""bondsim: an agent-based model of peshgi debt bondage at Pakistani brick kilns."""

from .agents import Household, KilnOwner
from .model import BondsimModel, Intervention
from .outcomes import OUTCOMES
from .parameters import PARAM_INFO, Params

__version__ = "0.1.0"

__all__ = ["OUTCOMES", "PARAM_INFO", "BondsimModel", "Household", "Intervention", "KilnOwner",
           "Params", "__version__"]
