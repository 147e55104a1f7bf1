"""The rules served as a Label Studio ML backend (`annotate serve`).

model.py   the label-config reader and the predictor (the pipeline, loaded once)
app.py     the FastAPI routes of the ML backend protocol (/health, /setup, /predict, /webhook)
process.py the backend as a background process of the local studio (pid file, log, state)
"""
