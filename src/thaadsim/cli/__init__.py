"""thaadsim.cli"""
