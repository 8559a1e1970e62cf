package com.example
import groovy.json.*
import static java.lang.Math.max
import a.b.C as D
@Library('lib@v1') _
@Library(['a', 'b']) import x.Y
@SuppressWarnings(value = ['unchecked']) import z.Q
