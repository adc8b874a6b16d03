"""The deal on offer (DESIGN section 3, step 4).

Summary of rule: on each issue, the offer is the mean of the engaged veto players' current demands weighted by
capability x salience: the Nash bargaining point of the stated positions as approximated in Bueno de Mesquita's
expected-utility model (the 'forecast' is the power- and salience-weighted mean/median of positions). With no
engaged veto player, or on an issue not on the table, the status quo stands.
"""

from __future__ import annotations

import numpy as np

from model.world import World


def deal_on_offer(world: World) -> np.ndarray:
    """The offer y (B, K)."""
    # Only veto players carry weight; the others' terms are exact zeros, so leaving them out changes nothing.
    veto = np.flatnonzero(world.veto)
    weight = (world.capability[:, veto] * world.engaged[:, veto])[:, :, None] * world.salience[:, veto, :]
    total = weight.sum(axis=1)
    weighted = (weight * world.position[:, veto, :]).sum(axis=1)
    offer = np.divide(weighted, total, out=world.status_quo.copy(), where=total > 0)
    return np.where(world.on_table, offer, world.status_quo)
