// Source: GitHub issue rollovd/LookSAM#1 (Gradients become NaN after first step()): https://github.com/rollovd/LookSAM/issues/1
// Bug: the optimizer normalises a parameter's gradient as g / g.norm(p=2); a parameter with an all-zero gradient gives 0 / 0 and every later step is NaN.
// Fix: divide by g.norm(p=2) + 1e-8, as the issue proposes and the maintainer adopted.
// Hazard: division by 0
using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB062;

public sealed class LookSam
{
    private readonly IList<Parameter> _parameters;

    public LookSam(IEnumerable<Parameter> parameters) => _parameters = parameters.ToList();

    private static Tensor Normalized(Tensor g) => g / (g.norm() + 1e-8);

    public List<Tensor> GradientDirections()
    {
        var directions = new List<Tensor>();
        foreach (var p in _parameters)
        {
            if (p.grad is null)
                continue;
            directions.Add(Normalized(p.grad.detach()));
        }
        return directions;
    }
}
