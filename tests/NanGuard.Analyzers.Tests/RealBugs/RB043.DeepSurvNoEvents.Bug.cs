// Source: GitHub issue liupei101/TFDeepSurv#15 (loss diverges to NaN): https://github.com/liupei101/TFDeepSurv/issues/15
// Bug: the Breslow negative log partial likelihood is divided by Obs, the number of observed events in the batch, which is 0 for a batch of censored samples.
// Fix: skip a batch with no observed event, as the maintainer suggests.
// Hazard: division by 0
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB043;

public sealed class DeepSurv
{
    private readonly Sequential _net = nn.Sequential(nn.Linear(20, 32), nn.ReLU(), nn.Linear(32, 1));

    public Tensor Loss(Tensor x, Tensor events)
    {
        var yHat = _net.call(x).squeeze(-1);
        var obs = events.sum();
        var logCumulative = torch.logcumsumexp(yHat, 0);
        var lossBreslow = -((yHat - logCumulative) * events).sum() / obs; // expect: NG1013
        return lossBreslow;
    }
}
