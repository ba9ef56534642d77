// Source: GitHub issue mllam/neural-lam#136 (State standardization causes NaN if field's std is 0), fixed by pull request #189: https://github.com/mllam/neural-lam/issues/136
// Bug: the dataset standardises every field as (x - mean) / std with precomputed statistics; a field that is constant over the period (rain rate 0 in a dry spell) has std 0 and becomes NaN.
// Fix: standardise only where std > 0 and give 0 elsewhere: where(std > 0, (x - mean) / std, 0) (pull request #189).
// Hazard: division by 0
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB055;

public sealed class WeatherDataset
{
    private readonly Tensor _stateMean;
    private readonly Tensor _stateStd;

    public WeatherDataset(Tensor states)
    {
        _stateMean = states.mean(new long[] { 0 });
        _stateStd = states.std(0);
    }

    public Tensor Standardize(Tensor state) =>
        torch.where(_stateStd > 0, (state - _stateMean) / _stateStd, torch.zeros_like(state));
}
