"""Reward-model evaluation on CRB-format pairs: datasets, scorers, metrics and reports."""
