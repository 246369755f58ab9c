"""Reading input: landing files, feeds and the pages behind them, into the staged rows the other stages read."""
