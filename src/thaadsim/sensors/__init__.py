"""thaadsim.sensors"""
