do { n++ } while (n < 3)
m?['x']
b ?= 2
@Grab(group = 'g', module = 'm') import z.Q
