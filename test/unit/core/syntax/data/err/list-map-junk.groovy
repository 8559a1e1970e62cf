def m = [a: 1, 2]
def l = [1, b: 2]
def x = [1 2)
