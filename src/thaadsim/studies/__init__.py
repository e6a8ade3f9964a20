"""thaadsim.studies"""
