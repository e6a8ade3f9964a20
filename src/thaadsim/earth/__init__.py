"""thaadsim.earth"""
