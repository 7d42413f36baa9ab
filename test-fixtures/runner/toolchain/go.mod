module example.com/toolchain

go 1.21

toolchain go1.22.12
