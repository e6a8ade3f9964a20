"""thaadsim.flight"""
