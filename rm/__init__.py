"""Bradley-Terry reward models: model, data collation, losses, training and scoring."""
