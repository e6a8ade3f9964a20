"""thaadsim.tracking"""
