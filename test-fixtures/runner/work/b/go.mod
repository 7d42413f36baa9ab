module example.com/b

go 1.21

require example.com/a v0.0.0
