"""Developer tools of the repository (not shipped): model building and model sweeps."""
