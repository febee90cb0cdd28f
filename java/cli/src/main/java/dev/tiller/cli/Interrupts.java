package dev.tiller.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;

/**
 * Ctrl-C handling for interactive commands: while a handler is installed, SIGINT runs it instead
 * of ending the JVM. Uses sun.misc.Signal reflectively (jdk.unsupported); where that is missing,
 * Ctrl-C keeps its default behaviour.
 */
final class Interrupts {
    private Interrupts() {}

    /** Installs the handler; returns false when signals cannot be caught on this JVM. */
    static boolean onInterrupt(Runnable handler) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> signalHandler = Class.forName("sun.misc.SignalHandler");
            Object sig = signal.getConstructor(String.class).newInstance("INT");
            InvocationHandler ih = (proxy, method, args) -> {
                if (method.getName().equals("handle")) handler.run();
                return null;
            };
            Object h = Proxy.newProxyInstance(signalHandler.getClassLoader(), new Class<?>[] {signalHandler}, ih);
            signal.getMethod("handle", signal, signalHandler).invoke(null, sig, h);
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false;
        }
    }
}
