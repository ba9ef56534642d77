// An older TorchSharp shape (before 0.107: the subset NanGuard touches), kept as data for the variant tests.
// Shapes follow TorchSharp's src/TorchSharp/NN/Linear.cs, Convolution/Conv2D.cs, Activation/ReLu.cs,
// Flatten.cs, Dropout.cs, MaxPool2D.cs, Sequential.cs and Recurrent/LSTM.cs, GRU.cs.
// Module classes have no public constructors: the torch.nn factories create them.
using System;
using static TorchSharp.torch;

namespace TorchSharp.Modules;

public sealed class Linear : nn.Module<Tensor, Tensor>
{
    internal Linear(IntPtr handle, IntPtr boxedHandle) : base(handle, boxedHandle) => throw null!;

    public override Tensor forward(Tensor tensor) => throw null!;

    public Parameter? bias { get => throw null!; set => throw null!; }
    public Parameter weight { get => throw null!; set => throw null!; }
}

public abstract class Convolution : nn.Module<Tensor, Tensor>
{
    internal Convolution(IntPtr handle, IntPtr boxedHandle) : base(handle, boxedHandle) => throw null!;
}

public sealed class Conv2d : Convolution
{
    internal Conv2d(IntPtr handle, IntPtr boxedHandle) : base(handle, boxedHandle) => throw null!;

    public override Tensor forward(Tensor input) => throw null!;
}

public sealed class ReLU : nn.Module<Tensor, Tensor>
{
    internal ReLU(IntPtr handle, IntPtr boxedHandle) : base(handle, boxedHandle) => throw null!;

    public override Tensor forward(Tensor tensor) => throw null!;
}

public sealed class Flatten : nn.Module<Tensor, Tensor>
{
    internal Flatten(IntPtr handle, IntPtr boxedHandle) : base(handle, boxedHandle) => throw null!;

    public override Tensor forward(Tensor tensor) => throw null!;
}

public sealed class Dropout : nn.Module<Tensor, Tensor>
{
    internal Dropout(IntPtr handle, IntPtr boxedHandle) : base(handle, boxedHandle) => throw null!;

    public override Tensor forward(Tensor tensor) => throw null!;
}

public sealed class MaxPool2d : nn.Module<Tensor, Tensor>
{
    internal MaxPool2d(IntPtr handle, IntPtr boxedHandle) : base(handle, boxedHandle) => throw null!;

    public override Tensor forward(Tensor input) => throw null!;
}

public class Sequential : nn.Module<Tensor, Tensor>
{
    internal Sequential(IntPtr handle) : base(handle, IntPtr.Zero) => throw null!;

    public void Add(string name, nn.Module<Tensor, Tensor> submodule) => throw null!;

    public override Tensor forward(Tensor tensor) => throw null!;
}

public sealed class LSTM : nn.Module<Tensor, (Tensor, Tensor)?, (Tensor, Tensor, Tensor)>
{
    internal LSTM(IntPtr handle, IntPtr boxedHandle) : base(handle, boxedHandle) => throw null!;

    // Returns (output, h_n, c_n); h0_c0 defaults to zeros.
    public override (Tensor, Tensor, Tensor) forward(Tensor input, (Tensor, Tensor)? h0_c0 = null) => throw null!;

    public new (Tensor, Tensor, Tensor) call(Tensor input, (Tensor, Tensor)? h0_c0 = null) => throw null!;

    public void flatten_parameters() => throw null!;
}

public sealed class GRU : nn.Module<Tensor, Tensor?, (Tensor, Tensor)>
{
    internal GRU(IntPtr handle, IntPtr boxedHandle) : base(handle, boxedHandle) => throw null!;

    // Returns (output, h_n); h0 defaults to zeros.
    public override (Tensor, Tensor) forward(Tensor input, Tensor? h0 = null) => throw null!;

    public new (Tensor, Tensor) call(Tensor input, Tensor? h0 = null) => throw null!;

    public void flatten_parameters() => throw null!;
}
