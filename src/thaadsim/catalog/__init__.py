"""thaadsim.catalog"""
