"""The pipeline's stages, the DAG's tasks as plain functions: stage the landing files into a run folder
(``pipeline``), extract figures and events from its batches (``extract``), validate and merge them
(``publish``); ``pipeline.run`` chains the three for the CLI and eval.
"""
