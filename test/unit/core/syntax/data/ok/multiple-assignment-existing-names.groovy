def a, b
(a, b) = [1, 2]
(a, b) = 'x-y'.split('-')
