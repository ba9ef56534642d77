// Source: GitHub pull request tensorflow/models#8221 (Guard the unsafe tf.exp to prevent Inf cost; found by DEBAR, FSE'20, in LFADS): https://github.com/tensorflow/models/pull/8221
// Bug: LFADS computes Poisson rates as exp(log_rates_t) with log_rates_t = factors W + b, an unbounded linear output; exp overflows to inf and so does the cost.
// Fix: clip log_rates_t to [-clip_value, clip_value] before the exp, as the pull request does.
// Hazard: exp overflow
using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB063;

public sealed class LfadsReadout : nn.Module<Tensor, Tensor>
{
    private readonly Linear outFac = nn.Linear(40, 120);

    public LfadsReadout() : base(nameof(LfadsReadout)) => RegisterComponents();

    public override Tensor forward(Tensor factors)
    {
        var logRatesT = outFac.call(factors);
        var rates = torch.exp(logRatesT); // expect: NG1017
        return rates;
    }
}
