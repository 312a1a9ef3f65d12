// The doctest binary's entry point; every other file in tests/ is a suite.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
