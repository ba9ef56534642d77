// Source: GitHub pull request CliMA/ParameterEstimocean.jl#78 (Fix edge case that currently leads to NaNs when z-score normalizing): https://github.com/CliMA/ParameterEstimocean.jl/pull/78
// Bug: z-score normalisation divides a field by its standard deviation, which is 0 for a field that is all zeros (an initial condition).
// Fix: divide only if the standard deviation is nonzero (a guard in an if).
// Hazard: division by 0
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB056;

public sealed class ZScore
{
    public Tensor Normalize(Tensor field)
    {
        var mean = field.mean();
        var std = field.std();
        return (field - mean) / std; // expect: NG1012
    }
}
