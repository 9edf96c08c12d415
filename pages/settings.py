"""placeholder"""
from ui.setup import page_setup

ctx = page_setup("settings")
