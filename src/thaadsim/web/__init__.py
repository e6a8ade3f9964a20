"""thaadsim.web"""
