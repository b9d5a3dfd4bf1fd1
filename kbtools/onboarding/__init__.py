"""Onboarding paths: the path kind and its checks, trainees' views and the path pages."""
