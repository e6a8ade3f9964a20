"""thaadsim.defense"""
