"""thaadsim.scenario"""
