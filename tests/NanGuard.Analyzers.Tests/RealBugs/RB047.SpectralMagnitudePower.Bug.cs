// Source: GitHub pull request speechbrain/speechbrain#184 (Fix gradient problem in spectral magnitude): https://github.com/speechbrain/speechbrain/pull/184
// Bug: spectral_magnitude takes stft.pow(2).sum(-1) to the power 0.5; a silent frame gives a 0 magnitude and the gradient of x^0.5 at 0 is inf, so training went NaN.
// Fix: add a small epsilon (1e-14) before the power, as the pull request does.
// Hazard: sqrt at 0
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB047;

public static class Features
{
    public static Tensor SpectralMagnitude(Tensor stft, double power = 1)
    {
        var spectr = stft.pow(2).sum(-1);
        if (power < 1)
            spectr = spectr.pow(power); // expect: NG1018
        return spectr;
    }

    public static Tensor Magnitude(Tensor stft) => SpectralMagnitude(stft, power: 0.5);
}
