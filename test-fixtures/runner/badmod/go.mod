module example.com/badmod

go 1.21

require (
	example.com/x v1
