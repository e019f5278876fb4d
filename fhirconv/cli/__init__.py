"""Thin Typer front end: parse options, call the library, render, exit."""
