using System;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace NanGuard.Runtime.Tests;

/// <summary>The hooks NanDetector registers, built for each arity of TorchSharp's Module forms and called as TorchSharp's call() would.</summary>
public sealed class ForwardHookTests
{
    [Fact]
    public void A_one_input_module_is_hookable_through_its_module_base()
    {
        var hookable = ForwardHooks.FindHookable(typeof(Linear));

        Assert.NotNull(hookable);
        Assert.Equal(typeof(nn.HookableModule<,>), hookable!.GetGenericTypeDefinition());
        Assert.Equal(typeof(Func<nn.Module<Tensor, Tensor>, Tensor, Tensor, Tensor>), hookable.GetGenericArguments()[1]);
    }

    [Fact]
    public void The_plain_module_base_is_not_hookable()
    {
        Assert.Null(ForwardHooks.FindHookable(typeof(nn.Module)));
    }

    [Fact]
    public void A_one_input_hook_reports_the_output_and_returns_it_unchanged()
    {
        var module = Fake.Module();
        var input = Fake.Tensor();
        var output = Fake.Tensor();
        nn.Module? seenModule = null;
        object? seenOutput = null;
        var hook = (Func<nn.Module<Tensor, Tensor>, Tensor, Tensor, Tensor>)ForwardHooks.BuildPostHook(
            typeof(Func<nn.Module<Tensor, Tensor>, Tensor, Tensor, Tensor>), (m, o) => { seenModule = m; seenOutput = o; });

        var returned = hook(module, input, output);

        Assert.Same(output, returned);
        Assert.Same(module, seenModule);
        Assert.Same(output, seenOutput);
    }

    [Fact]
    public void A_two_input_module_with_a_tuple_output_reports_every_tensor()
    {
        var hookable = ForwardHooks.FindHookable(typeof(LSTM))!;
        var hookType = hookable.GetGenericArguments()[1];
        var lstm = Fake.Uninitialized<LSTM>();
        var (a, b, c) = (Fake.Tensor(), Fake.Tensor(), Fake.Tensor());
        object? seen = null;
        var hook = ForwardHooks.BuildPostHook(hookType, (_, o) => seen = o);

        var returned = hook.DynamicInvoke(lstm, Fake.Tensor(), null, (a, b, c));

        Assert.Equal((a, b, c), returned);
        Assert.Equal(new[] { a, b, c }, OutputTensors.Of(seen).ToArray());
    }
}
