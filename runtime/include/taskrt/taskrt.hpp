// taskrt: the umbrella header. Generated code includes only this.
#pragma once

#include "taskrt/format.hpp"
#include "taskrt/version.hpp"
