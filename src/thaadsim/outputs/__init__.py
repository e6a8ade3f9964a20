"""thaadsim.outputs"""
