// Source: GitHub issue hzwer/ECCV2022-RIFE#271 (PSNR ValueError: math domain error): https://github.com/hzwer/ECCV2022-RIFE/issues/271
// Bug: the training script logs psnr = -10 * log10(((gt - pred) * (gt - pred)).mean()); when prediction and ground truth agree the mean square is 0 and log10(0) is -inf.
// Fix: an if around the log for a zero error, as the issue proposes and as PSNR is usually computed.
// Hazard: log of 0
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB054;

public static class Metrics
{
    private const double MaxPsnr = 100;

    public static Tensor Psnr(Tensor gt, Tensor pred)
    {
        var mse = ((gt - pred) * (gt - pred)).mean();
        if (mse.item<float>() == 0)
            return torch.tensor(MaxPsnr);
        return -10 * torch.log10(mse);
    }
}
