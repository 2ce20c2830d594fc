"""Reading an AppTest run as a reader of the page sees it."""
from __future__ import annotations

import pandas as pd
import pyarrow as pa


def shown(element) -> pd.DataFrame:
    """The cells of a table as the grid draws them: the Styler's display values where it has them
    (dashboard.ui.tables.unit_grid writes "36.7 %" and "—" over the numbers), else the frame."""
    styler = element.proto.arrow_data.styler if element.proto.HasField("arrow_data") else None
    if styler is not None and styler.display_values:
        return pa.ipc.open_stream(styler.display_values).read_all().to_pandas()
    return element.value
